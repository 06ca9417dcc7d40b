#include "analysis/amdahl.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace apb {

std::optional<AmdahlFit> fit_amdahl(std::span<const ScalingSample> samples) {
  double sxx = 0, sxy = 0;
  std::size_t n = 0;
  for (const auto& p : samples) {
    if (!(p.ratio > 1) || !(p.speedup > 0)) continue;  // no information
    const double x = 1 - 1 / p.ratio;
    const double y = 1 / p.speedup - 1 / p.ratio;
    sxx += x * x;
    sxy += x * y;
    ++n;
  }
  if (n == 0 || sxx <= 0) return std::nullopt;
  AmdahlFit fit;
  const double s = sxy / sxx;
  fit.samples = n;
  fit.serial_fraction = std::clamp(s, 0.0, 1.0);
  fit.ci95_low = fit.ci95_high = fit.serial_fraction;
  if (n >= 2) {
    double residuals = 0;
    for (const auto& p : samples) {
      if (!(p.ratio > 1) || !(p.speedup > 0)) continue;
      const double x = 1 - 1 / p.ratio;
      const double e = (1 / p.speedup - 1 / p.ratio) - s * x;
      residuals += e * e;
    }
    const double se = std::sqrt(residuals / static_cast<double>(n - 1) / sxx);
    const boost::math::students_t dist(static_cast<double>(n - 1));
    const double half = boost::math::quantile(dist, 0.975) * se;
    fit.ci95_low = std::clamp(s - half, 0.0, 1.0);
    fit.ci95_high = std::clamp(s + half, 0.0, 1.0);
  }
  return fit;
}

}  // namespace apb
