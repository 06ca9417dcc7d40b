#include "registry/sweep_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "apbench/error.hpp"
#include "apbench/units.hpp"
#include "text/parameter_value.hpp"

namespace apb {
namespace {

constexpr std::size_t kDefaultPoints = 10;
constexpr std::size_t kMaxPoints = 1000;

[[noreturn]] void fail(const ParamSpec& spec, std::string_view text,
                       std::string_view why) {
  throw UsageError(fmt::format(
      "bad --set {}={}: {}; expected a value, a comma list (1ms,2ms,4ms) or "
      "a log-spaced range LO..HI[:N] (1ms..64ms:7), in the parameter's "
      "unit ({})",
      spec.name, text, why, spec.unit()));
}

// The number a value of the spec's type stands for, or a UsageError.
double number_of(const ParamSpec& spec, std::string_view value) {
  Params check({spec});
  check.set(spec.name, value);  // the parameter's own message when bad
  switch (spec.type) {
    case ParamType::duration:
      return std::chrono::duration<double>(check.duration(spec.name)).count();
    case ParamType::bytes:
      return static_cast<double>(check.bytes(spec.name));
    case ParamType::integer:
      return static_cast<double>(check.integer(spec.name));
    default:
      return check.real(spec.name);
  }
}

bool numeric(const ParamSpec& spec) {
  return spec.type == ParamType::duration || spec.type == ParamType::bytes ||
         spec.type == ParamType::integer || spec.type == ParamType::real;
}

std::string_view unit_of(const ParamSpec& spec) {
  if (spec.type == ParamType::duration) return "s";
  if (spec.type == ParamType::bytes) return "B";
  return "";
}

std::vector<std::string> range(const ParamSpec& spec, std::string_view text,
                               std::size_t dots) {
  if (!numeric(spec))
    fail(spec, text, "a range needs a duration, size or number parameter");
  std::string_view low_text = text.substr(0, dots);
  std::string_view high_text = text.substr(dots + 2);
  std::size_t n = kDefaultPoints;
  if (const auto colon = high_text.find(':'); colon != std::string_view::npos) {
    std::int64_t points = 0;
    try {
      points = parse_integer(high_text.substr(colon + 1));
    } catch (const UsageError&) {
      fail(spec, text, "the number of points after ':' must be a whole number");
    }
    if (points < 2 || points > static_cast<std::int64_t>(kMaxPoints))
      fail(spec, text, fmt::format("a range needs 2..{} points", kMaxPoints));
    n = static_cast<std::size_t>(points);
    high_text = high_text.substr(0, colon);
  }
  if (low_text.empty() || high_text.empty())
    fail(spec, text, "a range needs both ends, LO..HI");
  double low = 0, high = 0;
  try {
    low = number_of(spec, low_text);
    high = number_of(spec, high_text);
  } catch (const UsageError& e) {
    fail(spec, text, e.what());
  }
  if (!(low > 0)) fail(spec, text, "a log-spaced range needs LO above 0");
  if (!(high > low)) fail(spec, text, "a range needs LO < HI");
  const bool whole =
      spec.type != ParamType::duration && spec.type != ParamType::real;
  // Sizes typed as plain bytes stay plain ("256..2048"), "1KiB..4MiB" not.
  const bool suffixed =
      std::isalpha(static_cast<unsigned char>(high_text.back())) != 0;
  const std::string_view unit =
      spec.type == ParamType::bytes && !suffixed ? "" : unit_of(spec);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    double v = low * std::pow(high / low, static_cast<double>(i) /
                                              static_cast<double>(n - 1));
    if (i == 0) v = low;  // the ends exactly as typed
    if (i + 1 == n) v = high;
    if (whole) v = std::round(v);
    std::string value = i == 0       ? std::string(low_text)
                        : i + 1 == n ? std::string(high_text)
                                     : parameter_text(v, unit);
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

std::vector<std::string> sweep_values(const ParamSpec& spec,
                                      std::string_view text) {
  if (spec.type == ParamType::text) return {std::string(text)};
  std::vector<std::string> values;
  if (const auto dots = text.find(".."); dots != std::string_view::npos) {
    values = range(spec, text, dots);
  } else {
    std::string_view rest = text;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view part = rest.substr(0, comma);
      if (part.empty()) fail(spec, text, "an empty value in the list");
      values.emplace_back(part);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (values.size() == 1) {
    Params check({spec});
    check.set(spec.name, values.front());  // its own message when bad
    return values;
  }
  std::vector<std::pair<double, std::string>> numbered;
  for (auto& v : values) {
    double number = 0;
    try {
      number = spec.type == ParamType::choice ? 0 : number_of(spec, v);
      if (spec.type == ParamType::choice) Params({spec}).set(spec.name, v);
    } catch (const UsageError& e) {
      fail(spec, text, e.what());
    }
    numbered.emplace_back(number, std::move(v));
  }
  if (numeric(spec)) {
    std::stable_sort(numbered.begin(), numbered.end(),
                     [](auto& a, auto& b) { return a.first < b.first; });
    numbered.erase(
        std::unique(numbered.begin(), numbered.end(),
                    [](auto& a, auto& b) { return a.first == b.first; }),
        numbered.end());
  } else {
    numbered.erase(
        std::unique(numbered.begin(), numbered.end(),
                    [](auto& a, auto& b) { return a.second == b.second; }),
        numbered.end());
  }

  std::vector<std::string> out;
  for (auto& [number, v] : numbered) out.push_back(std::move(v));
  if (out.size() < 2)
    fail(spec, text, "a sweep needs two or more different values");
  return out;
}

}  // namespace apb
