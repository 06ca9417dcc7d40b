#pragma once
// Text that came from outside (a command line, a server, an exception) made
// fit for one line of a message: control characters escaped, long input
// cut, library source locations dropped.
#include <cstddef>
#include <string>
#include <string_view>

namespace apb {

// `text` with \r, \n, \t and other control bytes escaped (\r, \x01, ...)
// and cut to `max_bytes` with "... (N more bytes)" when longer.
std::string printable(std::string_view text, std::size_t max_bytes = 200);

// `text` without the source locations Boost appends to its error messages
// ("Connection refused [system:111 at /usr/include/boost/...:587 in
// function 'connect']" -> "Connection refused").
std::string without_source_location(std::string_view text);

}  // namespace apb
