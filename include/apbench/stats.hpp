#pragma once
// Statistics across repetitions of a run.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apb {

struct Summary {
  std::size_t n = 0;
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0;
  // 95 % confidence interval of the mean (Student t, n - 1 degrees of
  // freedom); equals [mean, mean] for n == 1.
  double ci95_low = 0, ci95_high = 0;
  // Samples outside the Tukey fences (see tukey_outliers); 0 when n < 4.
  std::size_t outliers = 0;
};

// Summary of the samples; all zero when empty.
Summary summarize(std::span<const double> samples);

// Indices (in input order) of the samples below Q1 - 1.5 IQR or above
// Q3 + 1.5 IQR, quartiles by linear interpolation (Hyndman-Fan type 7, the
// default of R and NumPy). Empty when there are fewer than 4 samples.
std::vector<std::size_t> tukey_outliers(std::span<const double> samples);

// Half-width of the 95 % interval relative to |mean|, e.g. 0.05 for +/-5 %;
// 0 when n < 2 or mean == 0.
double relative_spread(const Summary& s);

// Welch-Satterthwaite degrees of freedom for the difference of the means of
// a and b; 0 when either side has fewer than 2 samples or both have zero
// variance (no spread to estimate a distribution from).
double welch_df(std::span<const double> a, std::span<const double> b);

struct RatioEstimate {
  double ratio = 0;  // mean(a) / mean(b); 0 when undefined (mean(b) == 0)
  double ci95_low = 0, ci95_high = 0;
  bool significant = false;  // the interval excludes 1
  // Both sides have >= 2 samples and a relative spread within the limit.
  bool trustworthy = false;
  std::string verdict;  // one sentence for humans
};

// Ratio of the means of a and b (e.g. a = baseline wall times, b = candidate
// wall times gives the speed-up of b). The 95 % interval comes from Welch's t
// on the logarithms of the samples, exponentiated, so it is a multiplicative
// interval; it is [ratio, ratio] with significant == false when either side
// has fewer than 2 samples or any sample is <= 0 (no logarithm).
RatioEstimate compare_ratio(std::span<const double> a,
                            std::span<const double> b,
                            double max_relative_spread = 0.25);

// The same, with the sides named in the verdict ("±26 % on threads", not
// "on a") and, when given, `point` as the ratio reported (e.g. the ratio of
// medians that ranked the two, so every report quotes one figure).
struct RatioOptions {
  double max_relative_spread = 0.25;
  std::string_view a_name = "a";
  std::string_view b_name = "b";
  std::optional<double> point;
};
RatioEstimate compare_ratio(std::span<const double> a,
                            std::span<const double> b,
                            const RatioOptions& options);

// Two-sided Mann-Whitney U test (Wilcoxon rank-sum) of "a and b come from
// the same distribution", computed as SciPy's mannwhitneyu(a, b,
// method='auto'): the exact distribution of U when either sample has at
// most 8 values and there are no ties, otherwise the normal approximation
// with continuity and tie corrections.
struct MannWhitney {
  double u = 0;        // U of a: pairs with a > b, ties counting 1/2
  double p_value = 1;  // two-sided; 1 when either side is empty
  bool exact = false;  // from the exact distribution (else: normal)
};
MannWhitney mann_whitney_u(std::span<const double> a,
                           std::span<const double> b);

// The smallest two-sided p-value mann_whitney_u can give for samples of n1
// and n2 values: that of a complete separation (all of one side above all
// of the other, no ties), from the distribution the test uses for these
// sizes (exact: 2 / C(n1 + n2, n1); normal from 9 on both sides, a larger
// value); 1 when either is 0. At or above alpha, no difference can ever be
// significant at alpha.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);

// Holm's step-down adjustment of the p-values of one family of tests, as
// R's p.adjust(p, "holm"): sorted ascending, the i-th smallest (from 1) of
// m becomes (m - i + 1) p, then a running maximum keeps the order, capped
// at 1. Rejecting where the adjusted p < alpha keeps the chance that any
// true null hypothesis of the family is rejected at alpha or below
// (family-wise error), whatever the dependence between the tests. Results
// in input order; NaN stays NaN and does not count in m (R's NA).
std::vector<double> holm_adjust(std::span<const double> p_values);

// Two-sided p-value of the pooled two-proportion z-test (R's prop.test
// without continuity correction): are k1 of n1 and k2 of n2 the same rate?
// 1 when either n is 0 or both rates are 0 or both are 1.
double two_proportion_p(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2,
                        std::uint64_t n2);

}  // namespace apb
