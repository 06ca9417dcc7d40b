#include "text/quantities.hpp"

#include <fmt/format.h>

#include <cmath>

#include "apbench/units.hpp"

namespace apb {

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fmt::format("{:.1f} %", fraction * 100.0);
}

std::string format_error_rate(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  if (fraction > 0 && fraction < 0.001)
    return fmt::format("{:.2g} %", fraction * 100.0);
  return format_percent(fraction);
}

// format_rate gives "12.35 k/s"; the tables say what is counted:
// "12.35 kops/s", "2.500 ops/s".
std::string format_ops_rate(double per_second) {
  std::string text = format_rate(per_second);
  if (text == "-") return text;
  const auto slash = text.rfind("/s");
  if (slash == std::string::npos) return text + " ops/s";
  text.insert(slash, "ops");
  return text;
}

}  // namespace apb
