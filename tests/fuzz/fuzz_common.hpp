// Shared by the libFuzzer targets in tests/fuzz (docs/testing.md, "Fuzzing").
//
// The contract under test: for any input, a loader either returns a validated value or throws
// gigasim::io::InputError (the user-facing "bad input" error, exit code 2). Any other exception, a
// crash, a leak or undefined behaviour is a bug; an unexpected exception is reported here and turned
// into abort() so that libFuzzer saves the input as a crash artifact.
#pragma once

#include <cxxabi.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <typeinfo>

#include "sim/io/input_error.hpp"

#ifndef GIGASIM_SOURCE_DIR
#error "GIGASIM_SOURCE_DIR must name the source tree (set by tests/fuzz/CMakeLists.txt)"
#endif

namespace gigasim::fuzz {

inline std::string type_name(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(t.name());
}

[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "\ngigasim fuzz: BUG: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `f`; InputError is the expected outcome for bad input, anything else aborts.
template <class F>
void expect_input_errors_only(F&& f) {
  try {
    f();
  } catch (const gigasim::io::InputError&) {
    // Rejected with a user-facing message: the expected outcome.
  } catch (const std::exception& e) {
    bug("an exception other than gigasim::io::InputError escaped the loader: " + type_name(typeid(e)) + ": " + e.what());
  } catch (...) {
    bug("a non-std exception escaped the loader");
  }
}

// Bugs found by fuzzing and fixed (docs/testing.md, "Fuzzing"): yaml-cpp 0.7's LoadAll looping
// forever on inputs such as ",\n"; std::stoul overflowing on a huge --set list index; a float-to-integer
// overflow for a chip drawing 1e-12 W. Their inputs are regression cases in tests/bad/.

// Oracle for "one document per file": the number of YAML documents in `text`, counted with yaml-cpp's
// event parser and stopping at `cap` (yaml-cpp 0.7 can report documents forever, see above); -1 when
// the text does not parse. A loader that accepts a text with 2 or more documents read only the first
// one and silently ignored the rest.
namespace detail {
class NullHandler : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};
}  // namespace detail

inline int yaml_documents(const std::string& text, int cap = 2) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  detail::NullHandler handler;
  int docs = 0;
  try {
    while (docs < cap && parser.HandleNextDocument(handler)) ++docs;
  } catch (const YAML::Exception&) {
    return -1;
  }
  return docs;
}

inline void expect_single_document(const std::string& text, const char* what) {
  if (yaml_documents(text) >= 2) bug(std::string(what) + " with more than one YAML document was accepted (only the first was read)");
}

}  // namespace gigasim::fuzz
