#include "cli/value_lists.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "apbench/error.hpp"
#include "apbench/units.hpp"

namespace apb {
namespace {

constexpr std::string_view kForms =
    "a value, a comma list (100,200,400) or a log-spaced range A..B or A..B:N";

[[noreturn]] void fail(std::string_view flag, std::string_view text,
                       std::string_view why) {
  throw UsageError(fmt::format("bad value '{}' for {}{}{}: expected {}", text,
                               flag, why.empty() ? "" : ": ", why, kForms));
}

double parse_rate(std::string_view text, std::string_view flag,
                  std::string_view whole) {
  std::string_view body = text;
  if (body.ends_with("/s")) body.remove_suffix(2);
  double scale = 1;
  if (!body.empty() && (body.back() == 'k' || body.back() == 'K')) {
    scale = 1e3;
    body.remove_suffix(1);
  } else if (!body.empty() && body.back() == 'M') {
    scale = 1e6;
    body.remove_suffix(1);
  }
  double value = 0;
  try {
    value = parse_real(body) * scale;
  } catch (const UsageError&) {
    fail(flag, whole, fmt::format("'{}' is not a rate", text));
  }
  if (!(value > 0)) fail(flag, whole, "a rate must be above 0");
  return value;
}

struct Range {
  std::string_view low, high;
  std::size_t points = kDefaultRangePoints;
};

// "A..B" or "A..B:N", or nullopt-like empty `high` for a plain list.
Range split_range(std::string_view text, std::string_view flag) {
  Range r;
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) return r;
  r.low = text.substr(0, dots);
  std::string_view rest = text.substr(dots + 2);
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    std::int64_t n = 0;
    try {
      n = parse_integer(rest.substr(colon + 1));
    } catch (const UsageError&) {
      fail(flag, text, "the number of points after ':' must be a whole number");
    }
    if (n < 2 || n > 1000) fail(flag, text, "a range needs 2..1000 points");
    r.points = static_cast<std::size_t>(n);
    rest = rest.substr(0, colon);
  }
  r.high = rest;
  return r;
}

std::vector<double> log_spaced(double low, double high, std::size_t n) {
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(low * std::pow(high / low, static_cast<double>(i) /
                                                 static_cast<double>(n - 1)));
  return out;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::vector<double> parse_rate_list(std::string_view text,
                                    std::string_view flag) {
  if (text.empty()) fail(flag, text, "empty");
  if (const Range r = split_range(text, flag); !r.high.empty()) {
    const double low = parse_rate(r.low, flag, text);
    const double high = parse_rate(r.high, flag, text);
    if (!(high > low)) fail(flag, text, "a range needs A < B");
    return log_spaced(low, high, r.points);
  }
  std::vector<double> out;
  for (auto part : split_commas(text))
    out.push_back(parse_rate(part, flag, text));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::size_t> parse_count_list(std::string_view text,
                                          std::string_view flag,
                                          std::size_t min, std::size_t max) {
  if (text.empty()) fail(flag, text, "empty");
  auto count = [&](std::string_view part) {
    std::int64_t v = 0;
    try {
      v = parse_integer(part);
    } catch (const UsageError&) {
      fail(flag, text, fmt::format("'{}' is not a whole number", part));
    }
    if (v < static_cast<std::int64_t>(min) ||
        static_cast<std::uint64_t>(v) > max)
      fail(flag, text, fmt::format("each value must be in {}..{}", min, max));
    return static_cast<std::size_t>(v);
  };
  std::vector<std::size_t> out;
  if (const Range r = split_range(text, flag); !r.high.empty()) {
    const auto low = count(r.low), high = count(r.high);
    if (high <= low) fail(flag, text, "a range needs A < B");
    for (double v : log_spaced(static_cast<double>(low),
                               static_cast<double>(high), r.points))
      out.push_back(static_cast<std::size_t>(std::llround(v)));
  } else {
    for (auto part : split_commas(text)) out.push_back(count(part));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace apb
