// Summary statistics across repetitions of a run.
#include "apbench/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numeric>
#include <vector>

namespace apb {

namespace {

// Quantile by linear interpolation between order statistics (Hyndman-Fan
// type 7), the default of R and NumPy, so users can check our fences there.
double quantile7(const std::vector<double>& sorted, double p) {
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(h);
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] +
         (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

struct Fences {
  double low, high;
  bool outside(double x) const { return x < low || x > high; }
};

// Tukey fences of a sorted sample with at least 4 values.
Fences tukey_fences(const std::vector<double>& sorted) {
  const double q1 = quantile7(sorted, 0.25);
  const double q3 = quantile7(sorted, 0.75);
  const double iqr = q3 - q1;
  return {q1 - 1.5 * iqr, q3 + 1.5 * iqr};
}

// Fewer than 4 samples give quartiles that are nearly the extremes, so every
// fence would be meaningless.
constexpr std::size_t kMinForOutliers = 4;

struct MeanVar {
  double mean = 0, var = 0;  // var: sample variance (n - 1); needs n >= 2
};

// Two-pass variance: subtracting the mean first avoids the cancellation of
// the sum-of-squares formula when samples are large and close together.
template <typename Range>
MeanVar mean_var(const Range& xs) {
  MeanVar m;
  const auto n = static_cast<double>(std::size(xs));
  m.mean = std::accumulate(std::begin(xs), std::end(xs), 0.0) / n;
  double squares = 0;
  for (double x : xs) squares += (x - m.mean) * (x - m.mean);
  m.var = squares / (n - 1);
  return m;
}

double welch_df(const MeanVar& a, std::size_t na, const MeanVar& b,
                std::size_t nb) {
  const double va = a.var / static_cast<double>(na);
  const double vb = b.var / static_cast<double>(nb);
  const double denom = va * va / static_cast<double>(na - 1) +
                       vb * vb / static_cast<double>(nb - 1);
  if (denom == 0) return 0;
  return (va + vb) * (va + vb) / denom;
}

// Up to `digits` significant digits, but never scientific notation for
// large values ("1234", not "1.23e+03").
std::string num(double x, int digits) {
  char buf[64];
  if (std::abs(x) >= std::pow(10.0, digits))
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

}  // namespace

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

  if (s.n >= kMinForOutliers) {
    const Fences f = tukey_fences(sorted);
    s.outliers = static_cast<std::size_t>(std::count_if(
        sorted.begin(), sorted.end(), [&](double x) { return f.outside(x); }));
  }

  s.ci95_low = s.ci95_high = s.mean;
  if (s.n == 1) return s;  // no spread to estimate from a single sample

  const double df = static_cast<double>(s.n - 1);
  s.stddev = std::sqrt(mean_var(sorted).var);

  // Few repetitions are typical, so the normal 1.96 would be far too narrow.
  const boost::math::students_t dist(df);
  const double t = boost::math::quantile(dist, 0.975);
  const double half = t * s.stddev / std::sqrt(static_cast<double>(s.n));
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  return s;
}

std::vector<std::size_t> tukey_outliers(std::span<const double> samples) {
  std::vector<std::size_t> out;
  if (samples.size() < kMinForOutliers) return out;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const Fences f = tukey_fences(sorted);
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (f.outside(samples[i])) out.push_back(i);
  return out;
}

double relative_spread(const Summary& s) {
  if (s.n < 2 || s.mean == 0) return 0;
  // |mean| so that the spread is a magnitude even for negative data.
  return (s.ci95_high - s.ci95_low) / 2 / std::abs(s.mean);
}

double welch_df(std::span<const double> a, std::span<const double> b) {
  if (a.size() < 2 || b.size() < 2) return 0;
  return welch_df(mean_var(a), a.size(), mean_var(b), b.size());
}

RatioEstimate compare_ratio(std::span<const double> a,
                            std::span<const double> b,
                            double max_relative_spread) {
  RatioOptions options;
  options.max_relative_spread = max_relative_spread;
  return compare_ratio(a, b, options);
}

RatioEstimate compare_ratio(std::span<const double> a,
                            std::span<const double> b,
                            const RatioOptions& options) {
  const double max_relative_spread = options.max_relative_spread;
  const Summary sa = summarize(a), sb = summarize(b);
  RatioEstimate r;
  r.ratio = options.point  ? *options.point
            : sb.mean != 0 ? sa.mean / sb.mean
                           : 0;
  r.ci95_low = r.ci95_high = r.ratio;
  const std::string ratio_text = num(r.ratio, 3) + "x";

  if (sa.n < 2 || sb.n < 2) {
    r.verdict = ratio_text + ": too few repetitions to judge (" +
                std::to_string(sa.n) + " and " + std::to_string(sb.n) +
                ", need at least 2 on each side)";
    return r;
  }

  const double spread_a = relative_spread(sa), spread_b = relative_spread(sb);
  r.trustworthy =
      spread_a <= max_relative_spread && spread_b <= max_relative_spread;

  const auto positive = [](std::span<const double> xs) {
    return std::all_of(xs.begin(), xs.end(), [](double x) { return x > 0; });
  };
  if (!positive(a) || !positive(b)) {
    r.verdict = ratio_text +
                ": samples include values <= 0, so no log-ratio interval "
                "can be computed";
    return r;
  }

  // Timings are skewed and a ratio is multiplicative, so work on logarithms:
  // the difference of log means is the log of the ratio of geometric means,
  // and its interval maps back to a ratio interval by exp. Welch's t does
  // not assume both strategies have the same variance.
  const auto logs = [](std::span<const double> xs) {
    std::vector<double> out;
    for (double x : xs) out.push_back(std::log(x));
    return out;
  };
  const std::vector<double> la = logs(a), lb = logs(b);
  const MeanVar ma = mean_var(la), mb = mean_var(lb);
  const double diff = ma.mean - mb.mean;
  const double se = std::sqrt(ma.var / static_cast<double>(la.size()) +
                              mb.var / static_cast<double>(lb.size()));
  double half = 0;  // both sides constant: no noise, a point interval
  if (se > 0) {
    const boost::math::students_t dist(welch_df(ma, la.size(), mb, lb.size()));
    half = boost::math::quantile(dist, 0.975) * se;
  }
  r.ci95_low = std::exp(diff - half);
  r.ci95_high = std::exp(diff + half);
  r.significant = r.ci95_low > 1 || r.ci95_high < 1;

  const std::string head = ratio_text + " (95 % CI " + num(r.ci95_low, 3) +
                           "-" + num(r.ci95_high, 3) + "x)";
  if (!r.trustworthy) {
    std::string sides;
    const auto add = [&](double spread, std::string_view name) {
      if (spread <= max_relative_spread) return;
      if (!sides.empty()) sides += ", ";
      sides += "±" + num(100 * spread, 2) + " % on " + std::string(name);
    };
    add(spread_a, options.a_name);
    add(spread_b, options.b_name);
    r.verdict = head + ": spread too large to trust (" + sides + ", limit ±" +
                num(100 * max_relative_spread, 2) + " %)";
  } else if (r.significant) {
    r.verdict = head + ", significant";
  } else {
    r.verdict = head + ": not significantly different";
  }
  return r;
}

namespace {

// Exact distribution of U for samples of m and n values without ties: the
// number of orderings with U == k is the coefficient of q^k of the Gaussian
// binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i).
// Each partial product is itself a polynomial with integer coefficients,
// so multiplying and dividing factor by factor stays exact (in doubles up
// to 2^53, far beyond the sizes the exact test is used for).
std::vector<double> u_counts(std::size_t m, std::size_t n) {
  if (m > n) std::swap(m, n);
  std::vector<double> c(m * n + 1, 0.0);
  c[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    const std::size_t up = n + i;  // multiply by (1 - q^up)
    for (std::size_t k = c.size(); k-- > up;) c[k] -= c[k - up];
    for (std::size_t k = i; k < c.size(); ++k) c[k] += c[k - i];  // / (1-q^i)
  }
  return c;
}

// P(U >= k) under the null hypothesis.
double u_survival(std::size_t m, std::size_t n, double k) {
  const std::vector<double> c = u_counts(m, n);
  double total = 0, upper = 0;
  for (std::size_t j = 0; j < c.size(); ++j) {
    total += c[j];
    if (static_cast<double>(j) >= k) upper += c[j];
  }
  return upper / total;
}

}  // namespace

MannWhitney mann_whitney_u(std::span<const double> a,
                           std::span<const double> b) {
  MannWhitney r;
  const std::size_t n1 = a.size(), n2 = b.size();
  if (n1 == 0 || n2 == 0) return r;

  // Midranks of the pooled sample; tie groups for the variance correction.
  std::vector<std::pair<double, bool>> pooled;  // value, from a
  for (double x : a) pooled.emplace_back(x, true);
  for (double x : b) pooled.emplace_back(x, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1 + j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (pooled[k].second) rank_sum_a += midrank;
    if (t > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }
  const double m = static_cast<double>(n1), n = static_cast<double>(n2);
  r.u = rank_sum_a - m * (m + 1) / 2;
  const double u_max = std::max(r.u, m * n - r.u);

  r.exact = (n1 <= 8 || n2 <= 8) && !ties;
  double p = 0;
  if (r.exact) {
    p = 2 * u_survival(n1, n2, u_max);
  } else {
    const double total = m + n;
    const double sigma = std::sqrt(
        m * n / 12 * ((total + 1) - tie_term / (total * (total - 1))));
    if (sigma == 0) return r;  // every value equal: no evidence at all
    const double z = (u_max - m * n / 2 - 0.5) / sigma;
    p = 2 * boost::math::cdf(boost::math::complement(
                boost::math::normal_distribution<double>(), z));
  }
  r.p_value = std::clamp(p, 0.0, 1.0);
  return r;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  // A complete separation, through the test itself: the normal
  // approximation it uses from 9 on both sides has a larger floor than
  // the exact 2 / C(n1 + n2, n1).
  std::vector<double> a(n1), b(n2);
  std::iota(a.begin(), a.end(), 0.0);
  std::iota(b.begin(), b.end(), static_cast<double>(n1));
  return mann_whitney_u(a, b).p_value;
}

std::vector<double> holm_adjust(std::span<const double> p_values) {
  std::vector<double> out(p_values.begin(), p_values.end());
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p_values.size(); ++i)
    if (!std::isnan(p_values[i])) order.push_back(i);
  // Stable: tied p-values keep their input order (as R's order()), which
  // the running maximum makes irrelevant to the result anyway.
  std::stable_sort(
      order.begin(), order.end(),
      [&](std::size_t l, std::size_t r) { return p_values[l] < p_values[r]; });
  const std::size_t m = order.size();
  double running = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double scaled = static_cast<double>(m - i) *
                          p_values[order[i]];  // (m - i + 1) p, i from 1
    running = std::max(running, scaled);
    out[order[i]] = std::min(1.0, running);
  }
  return out;
}

double two_proportion_p(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2,
                        std::uint64_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  const double pooled = static_cast<double>(k1 + k2) / (a + b);
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / a + 1 / b));
  if (!(se > 0)) return 1;
  const double z =
      (static_cast<double>(k1) / a - static_cast<double>(k2) / b) / se;
  return std::erfc(std::abs(z) / std::sqrt(2.0));
}

}  // namespace apb
