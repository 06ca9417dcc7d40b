#include "text/printable.hpp"

#include <fmt/format.h>

namespace apb {

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  const std::size_t shown = std::min(text.size(), max_bytes);
  out.reserve(shown + 16);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  if (shown < text.size())
    out += fmt::format("... ({} more bytes)", text.size() - shown);
  return out;
}

std::string without_source_location(std::string_view text) {
  std::string out(text);
  for (std::size_t open = out.find(" ["); open != std::string::npos;
       open = out.find(" [", open)) {
    const std::size_t close = out.find(']', open);
    if (close == std::string::npos) break;
    const std::string_view inside(out.data() + open, close - open);
    if (inside.find(" at ") != std::string_view::npos &&
        inside.find(':') != std::string_view::npos) {
      out.erase(open, close - open + 1);
    } else {
      open += 2;
    }
  }
  return out;
}

}  // namespace apb
