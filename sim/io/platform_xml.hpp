// SimGrid platform XML (DTD 4.1) from a PlatformLayout. The one writer: `run` loads what it writes, and
// a user can write the same file to inspect or edit it.
#pragma once

#include <string>

#include "models/platform_layout.hpp"

namespace gigasim::io {
std::string platform_xml(const PlatformLayout& layout);
}
