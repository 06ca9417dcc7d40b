#pragma once
// Text laid out for a terminal of a given width: long lines wrapped at
// spaces, not cut, so a note or a diagnosis stays whole on a narrow screen.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace apb {

// Columns a UTF-8 string takes on a terminal (continuation bytes take none;
// every other code point is taken as one column).
std::size_t display_width(std::string_view text);

// `text` cut to at most `width` columns, its end replaced by "…" when cut:
// for a line redrawn in place, which must not wrap.
std::string truncate_to_width(std::string_view text, std::size_t width);

// `text` as lines of at most `width` columns, broken at spaces; a word
// longer than a line is split. Newlines and tabs count as spaces. The first
// line starts with `first`, the others with `rest` (an indent), both
// counted in the width. An empty text gives one line, `first` alone.
std::vector<std::string> wrap(std::string_view text, std::size_t width,
                              std::string_view first = "",
                              std::string_view rest = "");

}  // namespace apb
