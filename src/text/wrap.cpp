#include "text/wrap.hpp"

#include <algorithm>
#include <cctype>

namespace apb {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The byte length of the first `columns` columns of `word`, never splitting
// a UTF-8 sequence.
std::size_t prefix_bytes(std::string_view word, std::size_t columns) {
  std::size_t i = 0, seen = 0;
  while (i < word.size()) {
    const bool starts = (static_cast<unsigned char>(word[i]) & 0xC0) != 0x80;
    if (starts && seen == columns) break;
    seen += starts;
    ++i;
  }
  return i;
}

// A unit after a number stays on the number's line: "88.8 %", not "88.8"
// at the end of one line and "%" at the start of the next.
bool is_unit(std::string_view word) {
  while (!word.empty() &&
         std::string_view(",;:.)").find(word.back()) != std::string_view::npos)
    word.remove_suffix(1);
  static constexpr std::string_view units[] = {
      "%",   "ns",    "us",     "\u00b5s", "ms", "s",  "B",     "KiB",    "MiB",
      "GiB", "ops/s", "kops/s", "Mops/s",  "x",  "px", "cores", "threads"};
  for (std::string_view unit : units)
    if (word == unit) return true;
  return false;
}

// The words of `text`, a number and its unit kept as one.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_space(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    if (!words.empty() && !words.back().empty() &&
        std::isdigit(static_cast<unsigned char>(words.back().back())) &&
        is_unit(word))
      (words.back() += ' ') += word;
    else
      words.emplace_back(word);
    i = end;
  }
  return words;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  // Keep width - 1 code points, then the ellipsis.
  std::size_t kept = 0, end = 0;
  for (; end < text.size(); ++end) {
    const bool starts = (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
    if (starts && kept++ == width - 1) break;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::vector<std::string> wrap(std::string_view text, std::size_t width,
                              std::string_view first, std::string_view rest) {
  std::vector<std::string> lines{std::string(first)};
  std::size_t used = display_width(first);
  bool fresh = true;  // nothing but the prefix on the current line yet
  auto new_line = [&] {
    // A lead left alone on its line keeps no trailing blank.
    while (!lines.back().empty() && lines.back().back() == ' ')
      lines.back().pop_back();
    lines.emplace_back(rest);
    used = display_width(rest);
    fresh = true;
  };
  for (const std::string& whole : words_of(text)) {
    std::string_view word = whole;
    while (!word.empty()) {
      const std::size_t w = display_width(word);
      const std::size_t gap = fresh ? 0 : 1;
      if (used + gap + w <= width) {
        if (!fresh) lines.back() += ' ';
        lines.back() += word;
        used += gap + w;
        fresh = false;
        break;
      }
      // A word that fits on a line of its own goes there whole: after a
      // long lead (a parameter's name, default and unit) the first line may
      // have less room than the continuation lines.
      const bool fits_a_new_line = display_width(rest) + w <= width;
      if (!fresh || (lines.size() == 1 && used > display_width(rest) &&
                     fits_a_new_line)) {
        new_line();
        continue;
      }
      // Longer than a whole line: split it where the line ends.
      const std::size_t room = width > used ? width - used : 1;
      const std::size_t cut =
          prefix_bytes(word, std::max<std::size_t>(room, 1));
      lines.back() += word.substr(0, cut);
      used += display_width(word.substr(0, cut));
      word.remove_prefix(cut);
      if (word.empty())
        fresh = false;
      else
        new_line();
    }
  }
  return lines;
}

}  // namespace apb
