#include "text/parameter_value.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "apbench/error.hpp"
#include "apbench/units.hpp"

namespace apb {

std::optional<ParameterNumber> parameter_number(std::string_view text) {
  // A duration needs its unit (bare "0" aside), so "64" falls through to
  // the plain numbers and "2KiB" to the sizes.
  try {
    const auto ns = parse_duration(text);
    if (text != "0")
      return ParameterNumber{std::chrono::duration<double>(ns).count(), "s"};
  } catch (const UsageError&) {
  }
  try {
    return ParameterNumber{static_cast<double>(parse_integer(text)), ""};
  } catch (const UsageError&) {
  }
  try {
    return ParameterNumber{static_cast<double>(parse_bytes(text)), "B"};
  } catch (const UsageError&) {
  }
  try {
    return ParameterNumber{parse_real(text), ""};
  } catch (const UsageError&) {
  }
  return std::nullopt;
}

namespace {

// `value` with 3 significant digits, no trailing zeros: 3.16, 100, 0.5.
std::string short_number(double value) {
  std::string s = fmt::format("{:.3g}", value);
  if (s.find('e') != std::string::npos) s = fmt::format("{:.0f}", value);
  return s;
}

}  // namespace

std::string parameter_text(double value, std::string_view unit) {
  if (unit == "s") {
    if (value == 0) return "0";
    struct Scale {
      double factor;
      const char* suffix;
    };
    for (const Scale& s : {Scale{1, "s"}, Scale{1e-3, "ms"}, Scale{1e-6, "us"}})
      if (value >= s.factor) return short_number(value / s.factor) + s.suffix;
    return fmt::format("{:.0f}ns", value * 1e9);
  }
  if (unit == "B") {
    const double rounded = std::round(value);
    for (const auto& [factor, suffix] : {std::pair{1024.0 * 1024 * 1024, "GiB"},
                                         {1024.0 * 1024, "MiB"},
                                         {1024.0, "KiB"}})
      if (rounded >= factor && std::fmod(rounded, factor) == 0)
        return fmt::format("{:.0f}{}", rounded / factor, suffix);
    return fmt::format("{:.0f}", rounded);
  }
  return short_number(value);
}

}  // namespace apb
