// Parsing and formatting of values with units (see apbench/units.hpp).
//
// Accepted syntax (no whitespace anywhere, no '+' sign, no exponents):
//
//   duration  DIGITS[.DIGITS]UNIT with UNIT one of ns, us, µs (also the Greek
//             mu μs), ms, s, min, h; or exactly "0". The value must be a whole
//             number of nanoseconds ("1.5us" is fine, "0.5ns" is rejected) and
//             fit in a signed 64-bit count of nanoseconds (about 292 years).
//   bytes     DIGITS[.DIGITS][UNIT] with UNIT one of B, KiB, MiB, GiB (powers
//             of 1024) or KB/kB, MB, GB (powers of 1000); no unit means bytes.
//             A fraction is accepted only when it gives a whole number of
//             bytes: "1.5KiB" == 1536, "0.5B" and "1.0001KiB" are rejected.
//   integer   [sign]DIGITS with an optional suffix k (x1000) or M (x1000000);
//             with a suffix a fraction is allowed if the result is whole
//             ("1.5k" == 1500). A sign ('-' or '+') only when allow_negative.
//   real      what std::from_chars accepts (decimal, optional exponent), with
//             an optional leading '+'; NaN, infinities and out-of-range
//             values are rejected.
//
// Every failure throws UsageError with one line:
//   "bad <kind> '<text>': [<reason>; ]expected <accepted forms>"
#include "apbench/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "apbench/error.hpp"

namespace apb {
namespace {

constexpr std::string_view kDurationForms =
    "expected a number with a unit ns, us, ms, s, min or h (e.g. 500ms)";
constexpr std::string_view kBytesForms =
    "expected a whole number of bytes, optionally with a unit B, KiB, MiB, "
    "GiB, KB, MB or GB (e.g. 4KiB)";
constexpr std::string_view kIntegerForms =
    "expected a whole number, optionally with a suffix k (x1000) or M "
    "(x1000000) (e.g. 10k)";
constexpr std::string_view kRealForms = "expected a number (e.g. 0.5)";

[[noreturn]] void fail(std::string_view kind, std::string_view text,
                       std::string_view reason, std::string_view forms) {
  std::string msg = fmt::format("bad {} '{}': ", kind, text);
  if (!reason.empty()) {
    msg += reason;
    msg += "; ";
  }
  msg += forms;
  throw UsageError(msg);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A non-negative decimal "DIGITS[.DIGITS]" split into its parts.
struct Decimal {
  std::string_view whole;
  std::string_view fraction;  // without the '.', may be empty
};

// Reads a decimal number at the start of `text`; returns the number and the
// rest of the text (the unit), or nullopt when there is no well-formed number.
std::optional<std::pair<Decimal, std::string_view>> split_decimal(
    std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) return std::nullopt;
  Decimal d{text.substr(0, i), {}};
  if (i < text.size() && text[i] == '.') {
    std::size_t j = i + 1;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j == i + 1) return std::nullopt;  // "1." or "1.x"
    d.fraction = text.substr(i + 1, j - i - 1);
    i = j;
  }
  return std::make_pair(d, text.substr(i));
}

enum class Exact { ok, not_whole, overflow };

// value = d * multiplier, exactly, as an unsigned 64-bit integer.
Exact exact_value(const Decimal& d, std::uint64_t multiplier,
                  std::uint64_t& value) {
  // Whole part, digit by digit with overflow checks.
  std::uint64_t whole = 0;
  for (char c : d.whole) {
    if (__builtin_mul_overflow(whole, std::uint64_t{10}, &whole) ||
        __builtin_add_overflow(whole, std::uint64_t(c - '0'), &whole)) {
      return Exact::overflow;
    }
  }
  if (__builtin_mul_overflow(whole, multiplier, &whole)) return Exact::overflow;

  // Fraction: f / 10^k * multiplier must be whole.
  std::string_view frac = d.fraction;
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  std::uint64_t part = 0;
  if (!frac.empty()) {
    if (frac.size() > 18) return Exact::not_whole;  // beyond any multiplier
    std::uint64_t f = 0;
    std::uint64_t den = 1;
    for (char c : frac) {
      f = f * 10 + std::uint64_t(c - '0');
      den *= 10;
    }
    // f/den * m with gcd reduction: m = g*m', den = g*den', gcd(m', den') = 1,
    // so the product is whole iff den' divides f; then it is (f/den') * m',
    // which is below m and cannot overflow.
    const std::uint64_t g = std::gcd(multiplier, den);
    const std::uint64_t den_r = den / g;
    if (f % den_r != 0) return Exact::not_whole;
    part = (f / den_r) * (multiplier / g);
  }
  if (__builtin_add_overflow(whole, part, &value)) return Exact::overflow;
  return Exact::ok;
}

// Rounds `v` to `decimals` places the way fmt would print it.
double rounded(double v, int decimals) {
  const std::string s = fmt::format("{:.{}f}", v, decimals);
  double r = v;
  std::from_chars(s.data(), s.data() + s.size(), r);
  return r;
}

// Decimal places giving about `sig` significant digits for 0 <= v.
int decimals_for(double v, int sig) {
  int d = sig - 1;
  for (double limit = 10; d > 0 && v >= limit; limit *= 10) --d;
  return d;
}

struct Unit {
  std::string_view name;
  double size;
};

// Picks the largest unit not above `v` (from an ascending list), formats
// with `sig` significant digits and moves up a unit when rounding reaches
// the next unit's size ("999.97 us" -> "1.000 ms").
template <std::size_t N>
std::string format_scaled(double v, const Unit (&units)[N], int sig,
                          std::string_view sep, int first_unit_decimals = -1) {
  std::size_t u = 0;
  while (u + 1 < N && v >= units[u + 1].size) ++u;
  for (;;) {
    const double scaled = v / units[u].size;
    int dec = decimals_for(scaled, sig);
    if (u == 0 && first_unit_decimals >= 0) dec = first_unit_decimals;
    // Unit sizes are ascending with whole ratios (1000 or 1024).
    if (u + 1 < N &&
        rounded(scaled, dec) >= std::round(units[u + 1].size / units[u].size)) {
      ++u;
      continue;
    }
    return fmt::format("{:.{}f}{}{}", scaled, dec, sep, units[u].name);
  }
}

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  constexpr std::string_view kind = "duration";
  if (text.empty()) fail(kind, text, "empty", kDurationForms);
  if (text == "0") return std::chrono::nanoseconds{0};
  if (text.front() == '-') {
    fail(kind, text, "must not be negative", kDurationForms);
  }
  auto split = split_decimal(text);
  if (!split) fail(kind, text, "", kDurationForms);
  const auto& [number, unit] = *split;
  std::uint64_t multiplier = 0;
  if (unit == "ns") {
    multiplier = 1;
  } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
    multiplier = 1'000;
  } else if (unit == "ms") {
    multiplier = 1'000'000;
  } else if (unit == "s") {
    multiplier = 1'000'000'000;
  } else if (unit == "min") {
    multiplier = 60'000'000'000;
  } else if (unit == "h") {
    multiplier = 3'600'000'000'000;
  } else if (unit.empty()) {
    fail(kind, text, "missing unit", kDurationForms);
  } else {
    fail(kind, text, "", kDurationForms);
  }
  std::uint64_t ns = 0;
  switch (exact_value(number, multiplier, ns)) {
    case Exact::ok:
      break;
    case Exact::not_whole:
      fail(kind, text, "not a whole number of nanoseconds", kDurationForms);
    case Exact::overflow:
      fail(kind, text, "too large", kDurationForms);
  }
  if (ns > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    fail(kind, text, "too large", kDurationForms);
  }
  return std::chrono::nanoseconds{static_cast<std::int64_t>(ns)};
}

std::uint64_t parse_bytes(std::string_view text) {
  constexpr std::string_view kind = "size";
  if (text.empty()) fail(kind, text, "empty", kBytesForms);
  if (text.front() == '-')
    fail(kind, text, "must not be negative", kBytesForms);
  auto split = split_decimal(text);
  if (!split) fail(kind, text, "", kBytesForms);
  const auto& [number, unit] = *split;
  std::uint64_t multiplier = 0;
  if (unit.empty() || unit == "B") {
    multiplier = 1;
  } else if (unit == "KiB") {
    multiplier = std::uint64_t{1} << 10;
  } else if (unit == "MiB") {
    multiplier = std::uint64_t{1} << 20;
  } else if (unit == "GiB") {
    multiplier = std::uint64_t{1} << 30;
  } else if (unit == "KB" || unit == "kB") {
    multiplier = 1'000;
  } else if (unit == "MB") {
    multiplier = 1'000'000;
  } else if (unit == "GB") {
    multiplier = 1'000'000'000;
  } else {
    fail(kind, text, "", kBytesForms);
  }
  std::uint64_t bytes = 0;
  switch (exact_value(number, multiplier, bytes)) {
    case Exact::ok:
      break;
    case Exact::not_whole:
      fail(kind, text, "not a whole number of bytes", kBytesForms);
    case Exact::overflow:
      fail(kind, text, "too large", kBytesForms);
  }
  return bytes;
}

std::int64_t parse_integer(std::string_view text, bool allow_negative) {
  constexpr std::string_view kind = "integer";
  if (text.empty()) fail(kind, text, "empty", kIntegerForms);
  std::string_view rest = text;
  bool negative = false;
  if (rest.front() == '-' || rest.front() == '+') {
    if (!allow_negative) {
      fail(kind, text,
           rest.front() == '-' ? "must not be negative" : "no sign allowed",
           kIntegerForms);
    }
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  auto split = split_decimal(rest);
  if (!split) fail(kind, text, "", kIntegerForms);
  const auto& [number, suffix] = *split;
  std::uint64_t multiplier = 0;
  if (suffix.empty()) {
    multiplier = 1;
  } else if (suffix == "k") {
    multiplier = 1'000;
  } else if (suffix == "M") {
    multiplier = 1'000'000;
  } else {
    fail(kind, text, "", kIntegerForms);
  }
  std::uint64_t magnitude = 0;
  switch (exact_value(number, multiplier, magnitude)) {
    case Exact::ok:
      break;
    case Exact::not_whole:
      fail(kind, text, "not a whole number", kIntegerForms);
    case Exact::overflow:
      fail(kind, text, "too large", kIntegerForms);
  }
  constexpr auto max = std::uint64_t(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > max + 1) fail(kind, text, "too large", kIntegerForms);
    // -(2^63) is representable; compute in unsigned to avoid overflow.
    return static_cast<std::int64_t>(0 - magnitude);
  }
  if (magnitude > max) fail(kind, text, "too large", kIntegerForms);
  return static_cast<std::int64_t>(magnitude);
}

double parse_real(std::string_view text) {
  constexpr std::string_view kind = "number";
  if (text.empty()) fail(kind, text, "empty", kRealForms);
  std::string_view body = text;
  if (body.front() == '+') {
    body.remove_prefix(1);
    // from_chars would accept a second sign after our '+'.
    if (body.empty() || body.front() == '-' || body.front() == '+') {
      fail(kind, text, "", kRealForms);
    }
  }
  double value = 0;
  const char* first = body.data();
  const char* last = body.data() + body.size();
  auto [ptr, ec] =
      std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    fail(kind, text, "out of range", kRealForms);
  }
  if (ec != std::errc{} || ptr != last) fail(kind, text, "", kRealForms);
  if (!std::isfinite(value)) {
    fail(kind, text, "not a finite number", kRealForms);
  }
  return value;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) return "-";
  if (seconds == 0) return "0 s";
  static constexpr Unit units[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};
  // Nanoseconds always get one decimal ("85.0 ns", "0.3 ns").
  return format_scaled(seconds, units, 4, " ", 1);
}

std::string format_bytes(double bytes) {
  if (!(bytes >= 0) || std::isinf(bytes)) return "-";
  static constexpr Unit units[] = {{"B", 1},
                                   {"KiB", 1024.0},
                                   {"MiB", 1048576.0},
                                   {"GiB", 1073741824.0},
                                   {"TiB", 1099511627776.0},
                                   {"PiB", 1125899906842624.0}};
  // Bytes are whole ("512 B"); larger units get 3 significant digits.
  return format_scaled(bytes, units, 3, " ", 0);
}

std::string format_rate(double per_second) {
  if (!(per_second >= 0) || std::isinf(per_second)) return "-";
  static constexpr Unit units[] = {
      {"/s", 1}, {"k/s", 1e3}, {"M/s", 1e6}, {"G/s", 1e9}, {"T/s", 1e12}};
  return format_scaled(per_second, units, 4, " ");
}

}  // namespace apb
