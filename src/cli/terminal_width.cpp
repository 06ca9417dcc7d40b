#include "terminal_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

namespace apb::cli {

std::size_t terminal_width(int fd) {
  std::size_t width = kMaxConsoleWidth;
  winsize size{};
  if (isatty(fd) != 0 && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS")) {
    const std::string_view text(columns);
    std::size_t value = 0;
    const auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && value > 0)
      width = value;
  }
  // Narrower screens get narrower tables; wider ones keep the 100-column
  // layout (a report pasted or logged elsewhere stays readable), and --wide
  // shows every column.
  return std::min(width, kMaxConsoleWidth);
}

}  // namespace apb::cli
