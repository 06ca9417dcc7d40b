#pragma once
// A parameter value's text read as a number in its base unit, so a swept
// parameter can be an axis: "5ms" is 0.005 s, "2KiB" 2048 B, "64" 64.
#include <optional>
#include <string>
#include <string_view>

namespace apb {

struct ParameterNumber {
  double value = 0;
  std::string unit;  // "s", "B" or "" (a plain number)
};

// nullopt for text that is no number (a choice, a URL).
std::optional<ParameterNumber> parameter_number(std::string_view text);

// `value` (in `unit`) as text a parameter of that unit accepts back, with
// about 3 significant digits: 0.00316 "s" -> "3.16ms", 2048 "B" -> "2KiB",
// 1000 "" -> "1000".
std::string parameter_text(double value, std::string_view unit);

}  // namespace apb
