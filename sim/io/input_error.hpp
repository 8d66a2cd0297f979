// Bad input: thrown while loading, caught in main, exit code 2. The message is complete (location, key
// path, what was expected, what was found) and is printed as is.
#pragma once

#include <stdexcept>
#include <string>

namespace gigasim::io {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gigasim::io
