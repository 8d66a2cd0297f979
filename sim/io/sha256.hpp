// SHA-256 of a byte string, as lowercase hex (OpenSSL's libcrypto; see docs/architecture.md).
#pragma once

#include <string>
#include <string_view>

namespace gigasim::io {
std::string sha256_hex(std::string_view data);
}
