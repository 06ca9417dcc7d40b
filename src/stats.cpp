// Summary statistics across repetitions of a run.
#include "apbench/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numeric>
#include <vector>

namespace apb {

Summary summarize(std::span<const double> samples) {
  Summary s;
  s.n = samples.size();
  if (s.n == 0) return s;

  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = s.n / 2;
  s.median = s.n % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) /
           static_cast<double>(s.n);

  s.ci95_low = s.ci95_high = s.mean;
  if (s.n == 1) return s;  // no spread to estimate from a single sample

  // Two-pass variance: subtracting the mean first avoids the cancellation of
  // the sum-of-squares formula when samples are large and close together.
  double squares = 0;
  for (double x : sorted) squares += (x - s.mean) * (x - s.mean);
  const double df = static_cast<double>(s.n - 1);
  s.stddev = std::sqrt(squares / df);

  // Few repetitions are typical, so the normal 1.96 would be far too narrow.
  const boost::math::students_t dist(df);
  const double t = boost::math::quantile(dist, 0.975);
  const double half = t * s.stddev / std::sqrt(static_cast<double>(s.n));
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  return s;
}

}  // namespace apb
