#include "help_formatter.hpp"

#include <algorithm>

#include "text/wrap.hpp"

namespace apb::cli {
namespace {

// Lines joined by '\n': CLI11 indents every line after a newline of an
// option's description to the description column.
std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace

std::string WrappingFormatter::make_option_desc(
    const CLI::Option* option) const {
  // The description column starts at column_width; keep at least 30
  // columns for the text on a very narrow terminal.
  const std::size_t room = std::max<std::size_t>(
      30, width_ > column_width_ ? width_ - column_width_ : 0);
  return joined(wrap(CLI::Formatter::make_option_desc(option), room));
}

std::string WrappingFormatter::make_description(const CLI::App* app) const {
  return joined(wrap(app->get_description(), width_)) + "\n";
}

}  // namespace apb::cli
