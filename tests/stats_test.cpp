#include "apbench/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using apb::compare_ratio;
using apb::holm_adjust;
using apb::relative_spread;
using apb::summarize;
using apb::tukey_outliers;
using apb::welch_df;
using Indices = std::vector<std::size_t>;

// Plain gtest (the test target does not link gmock), printing the verdict
// on failure.
::testing::AssertionResult Contains(const std::string& text,
                                    const std::string& part) {
  if (text.find(part) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << '"' << text << "\" lacks \"" << part << '"';
}

TEST(StatsTest, EmptyIsAllZero) {
  const auto s = summarize({});
  EXPECT_EQ(s.n, 0u);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.min, 0);
  EXPECT_EQ(s.max, 0);
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.stddev, 0);
  EXPECT_EQ(s.ci95_low, 0);
  EXPECT_EQ(s.ci95_high, 0);
}

TEST(StatsTest, SingleSample) {
  const std::vector<double> v{4.5};
  const auto s = summarize(v);
  EXPECT_EQ(s.n, 1u);
  EXPECT_EQ(s.median, 4.5);
  EXPECT_EQ(s.min, 4.5);
  EXPECT_EQ(s.max, 4.5);
  EXPECT_EQ(s.mean, 4.5);
  EXPECT_EQ(s.stddev, 0);
  EXPECT_EQ(s.ci95_low, 4.5);
  EXPECT_EQ(s.ci95_high, 4.5);
}

TEST(StatsTest, MedianOdd) {
  const std::vector<double> v{9, 1, 5, 3, 7};  // unsorted on purpose
  const auto s = summarize(v);
  EXPECT_EQ(s.median, 5);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 9);
}

TEST(StatsTest, MedianEven) {
  const std::vector<double> v{10, 2, 4, 8};
  EXPECT_EQ(summarize(v).median, 6);  // (4 + 8) / 2
}

// Reference computed by hand: mean 3, s = sqrt(10 / 4) = 1.5811388,
// t(0.975, 4) = 2.7764451 (table value), half width = t * s / sqrt(5)
// = 2.7764451 * 0.7071068 = 1.9632432.
TEST(StatsTest, ConfidenceIntervalKnownSample) {
  const std::vector<double> v{1, 2, 3, 4, 5};
  const auto s = summarize(v);
  EXPECT_EQ(s.n, 5u);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.stddev, 1.5811388, 1e-6);
  EXPECT_NEAR(s.ci95_low, 3 - 1.9632432, 1e-6);
  EXPECT_NEAR(s.ci95_high, 3 + 1.9632432, 1e-6);
}

// Two samples: t(0.975, 1) = 12.7062047 (table value), s = sqrt(2) for
// {10, 12}, half width = 12.7062047 * sqrt(2) / sqrt(2) = 12.7062047.
TEST(StatsTest, ConfidenceIntervalTwoSamples) {
  const std::vector<double> v{10, 12};
  const auto s = summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, 11);
  EXPECT_DOUBLE_EQ(s.median, 11);
  EXPECT_NEAR(s.stddev, 1.4142136, 1e-6);
  EXPECT_NEAR(s.ci95_low, 11 - 12.7062047, 1e-6);
  EXPECT_NEAR(s.ci95_high, 11 + 12.7062047, 1e-6);
}

// Large offset with a small spread: a naive sum-of-squares variance would
// lose all digits here.
TEST(StatsTest, StddevStableWithLargeOffset) {
  const std::vector<double> v{1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5};
  const auto s = summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, 1e9 + 3);
  EXPECT_NEAR(s.stddev, 1.5811388, 1e-6);
}

TEST(StatsTest, ConstantSamplesHaveZeroWidth) {
  const std::vector<double> v{2, 2, 2, 2};
  const auto s = summarize(v);
  EXPECT_EQ(s.stddev, 0);
  EXPECT_EQ(s.ci95_low, 2);
  EXPECT_EQ(s.ci95_high, 2);
}

// Reference values in this block were computed with mpmath (30 digits; the
// t quantile by root-finding on the regularized incomplete beta), and agree
// with the table values t(0.975, 2) = 4.302653, t(0.975, 4) = 2.776445.

// {2, 4, 9}: mean 5, s = sqrt(26 / 2) = 3.6055513, half width
// = 4.3026527 * 3.6055513 / sqrt(3) = 8.9566859.
TEST(StatsTest, ConfidenceIntervalThreeSamples) {
  const std::vector<double> v{2, 4, 9};
  const auto s = summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 3.6055513, 1e-6);
  EXPECT_NEAR(s.ci95_low, 5 - 8.9566859, 1e-6);
  EXPECT_NEAR(s.ci95_high, 5 + 8.9566859, 1e-6);
}

// Sorted: 10, 10.2, 10.5, 10.8, 11, 50; type 7 gives Q1 = 10.275,
// Q3 = 10.95, IQR = 0.675, fences [9.2625, 11.9625].
TEST(StatsTest, TukeyFlagsPlantedOutlier) {
  const std::vector<double> v{10, 11, 10.5, 10.2, 10.8, 50};
  EXPECT_EQ(tukey_outliers(v), Indices{5});
  EXPECT_EQ(summarize(v).outliers, 1u);
}

TEST(StatsTest, TukeyReportsLowAndHighInInputOrder) {
  const std::vector<double> v{10, 50, 11, 10.5, 1, 10.2, 10.8};
  EXPECT_EQ(tukey_outliers(v), (Indices{1, 4}));
  EXPECT_EQ(summarize(v).outliers, 2u);
}

TEST(StatsTest, TukeyCleanSampleHasNone) {
  const std::vector<double> v{10, 11, 10.5, 10.2, 10.8, 10.4, 10.6};
  EXPECT_TRUE(tukey_outliers(v).empty());
  EXPECT_EQ(summarize(v).outliers, 0u);
}

TEST(StatsTest, TukeyNeedsFourSamples) {
  const std::vector<double> v{1, 2, 100};
  EXPECT_TRUE(tukey_outliers(v).empty());
  EXPECT_EQ(summarize(v).outliers, 0u);
  EXPECT_TRUE(tukey_outliers({}).empty());
}

// {1, 2, 3, 4, 5, x} with x the maximum: type 7 puts Q1 at 2.25 and Q3 at
// 4.75 (independent of x), so the upper fence is 4.75 + 1.5 * 2.5 = 8.5
// exactly. Other quartile definitions (e.g. type 6) would move Q3 with x.
// A value on the fence is not an outlier.
TEST(StatsTest, TukeyUsesLinearInterpolationQuartiles) {
  const std::vector<double> on_fence{1, 2, 3, 4, 5, 8.5};
  const std::vector<double> beyond{1, 2, 3, 4, 5, 8.6};
  EXPECT_TRUE(tukey_outliers(on_fence).empty());
  EXPECT_EQ(tukey_outliers(beyond), Indices{5});
}

// {1..5}: half width 1.9632432 (see above) / mean 3.
TEST(StatsTest, RelativeSpread) {
  const std::vector<double> v{1, 2, 3, 4, 5};
  EXPECT_NEAR(relative_spread(summarize(v)), 1.9632432 / 3, 1e-6);
  const std::vector<double> one{7};
  EXPECT_EQ(relative_spread(summarize(one)), 0);
  const std::vector<double> zero_mean{-1, 1};
  EXPECT_EQ(relative_spread(summarize(zero_mean)), 0);
}

// By hand: var(a) / 5 = 2.5 / 5 = 1/2, var(b) / 3 = 4 / 3, so
// df = (1/2 + 4/3)^2 / ((1/2)^2 / 4 + (4/3)^2 / 2) = (121/36) / (137/144)
// = 484 / 137 = 3.5328467.
TEST(StatsTest, WelchDegreesOfFreedom) {
  const std::vector<double> a{1, 2, 3, 4, 5}, b{2, 4, 6};
  EXPECT_NEAR(welch_df(a, b), 484.0 / 137.0, 1e-12);
  EXPECT_NEAR(welch_df(b, a), 484.0 / 137.0, 1e-12);  // symmetric
  // Equal variances and sizes reduce to the pooled na + nb - 2.
  const std::vector<double> c{11, 12, 13, 14, 15};
  EXPECT_NEAR(welch_df(a, c), 8, 1e-12);
  const std::vector<double> one{1};
  EXPECT_EQ(welch_df(a, one), 0);
}

// b is exactly a / 2, so the log samples have equal variances (df = 8).
// Reference: log-ratio Welch interval [1.9770716, 2.0231943].
TEST(StatsTest, RatioClearlyDifferentIsSignificant) {
  const std::vector<double> a{2.0, 2.02, 1.98, 2.01, 1.99};
  const std::vector<double> b{1.0, 1.01, 0.99, 1.005, 0.995};
  const auto r = compare_ratio(a, b);
  EXPECT_NEAR(r.ratio, 2, 1e-12);
  EXPECT_NEAR(r.ci95_low, 1.9770716, 1e-6);
  EXPECT_NEAR(r.ci95_high, 2.0231943, 1e-6);
  EXPECT_LT(r.ci95_low, 2);
  EXPECT_GT(r.ci95_high, 2);
  EXPECT_TRUE(r.significant);
  EXPECT_TRUE(r.trustworthy);
  EXPECT_EQ(r.verdict, "2x (95 % CI 1.98-2.02x), significant");
}

// Reference: Welch df 7.4344402 on the logs, interval [0.9004394, 1.1081609].
TEST(StatsTest, RatioOverlappingIsNotSignificant) {
  const std::vector<double> a{1.0, 1.1, 0.9, 1.05, 0.95};
  const std::vector<double> b{1.02, 0.92, 1.08, 0.97, 1.01};
  const auto r = compare_ratio(a, b);
  EXPECT_NEAR(r.ratio, 1, 1e-12);
  EXPECT_NEAR(r.ci95_low, 0.9004394, 1e-6);
  EXPECT_NEAR(r.ci95_high, 1.1081609, 1e-6);
  EXPECT_FALSE(r.significant);
  EXPECT_TRUE(r.trustworthy);
  EXPECT_TRUE(Contains(r.verdict, "not significantly different"));
}

// Swapping the sides inverts the ratio and its interval.
TEST(StatsTest, RatioIsSymmetricUnderSwap) {
  const std::vector<double> a{1.0, 1.1, 0.9, 1.05, 0.95};
  const std::vector<double> b{1.5, 1.4, 1.6, 1.45, 1.55};
  const auto ab = compare_ratio(a, b), ba = compare_ratio(b, a);
  EXPECT_NEAR(ab.ratio * ba.ratio, 1, 1e-12);
  EXPECT_NEAR(ab.ci95_low * ba.ci95_high, 1, 1e-12);
  EXPECT_NEAR(ab.ci95_high * ba.ci95_low, 1, 1e-12);
  EXPECT_EQ(ab.significant, ba.significant);
}

// a's relative spread is 0.8465678 (t(0.975, 4) * s / sqrt(5) / mean);
// reference interval [0.5726657, 4.6455973] (Welch df 4.0623918).
TEST(StatsTest, RatioWithHighSpreadIsNotTrustworthy) {
  const std::vector<double> a{1, 3, 0.5, 2, 4};
  const std::vector<double> b{1, 1.1, 0.9, 1, 1.05};
  const auto r = compare_ratio(a, b);
  EXPECT_NEAR(relative_spread(summarize(a)), 0.8465678, 1e-6);
  EXPECT_NEAR(r.ci95_low, 0.5726657, 1e-6);
  EXPECT_NEAR(r.ci95_high, 4.6455973, 1e-6);
  EXPECT_FALSE(r.trustworthy);
  EXPECT_FALSE(r.significant);
  EXPECT_TRUE(Contains(r.verdict, "spread too large to trust"));
  EXPECT_TRUE(Contains(r.verdict, "±85 % on a"));
  EXPECT_FALSE(Contains(r.verdict, "on b"));
  // A looser limit accepts the same data.
  EXPECT_TRUE(compare_ratio(a, b, 0.9).trustworthy);
}

TEST(StatsTest, RatioWithSingleRepetitionCannotJudge) {
  const std::vector<double> a{1}, b{2, 2.1};
  const auto r = compare_ratio(a, b);
  EXPECT_NEAR(r.ratio, 1 / 2.05, 1e-12);
  EXPECT_EQ(r.ci95_low, r.ratio);
  EXPECT_EQ(r.ci95_high, r.ratio);
  EXPECT_FALSE(r.significant);
  EXPECT_FALSE(r.trustworthy);
  EXPECT_TRUE(Contains(r.verdict, "too few repetitions"));

  const auto empty = compare_ratio({}, b);
  EXPECT_EQ(empty.ratio, 0);
  EXPECT_FALSE(empty.significant);
}

TEST(StatsTest, RatioWithNonPositiveSamplesHasNoInterval) {
  const std::vector<double> a{1, 0, 2}, b{1, 1, 1};
  const auto r = compare_ratio(a, b);
  EXPECT_DOUBLE_EQ(r.ratio, 1);
  EXPECT_EQ(r.ci95_low, r.ratio);
  EXPECT_EQ(r.ci95_high, r.ratio);
  EXPECT_FALSE(r.significant);
  EXPECT_TRUE(Contains(r.verdict, "<= 0"));
}

// Zero noise on both sides: a point interval, significant iff it is not 1.
TEST(StatsTest, RatioOfConstantSamples) {
  const std::vector<double> a{3, 3, 3}, b{1.5, 1.5};
  const auto r = compare_ratio(a, b);
  EXPECT_DOUBLE_EQ(r.ci95_low, 2);
  EXPECT_DOUBLE_EQ(r.ci95_high, 2);
  EXPECT_TRUE(r.significant);
  EXPECT_FALSE(compare_ratio(a, a).significant);
}

// Holm's adjustment against R's p.adjust(p, "holm"), worked by hand:
// sorted ascending, the i-th of m times (m - i + 1), running maximum, cap 1.
void expect_holm(const std::vector<double>& p,
                 const std::vector<double>& want) {
  const std::vector<double> got = holm_adjust(p);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << "index " << i;
    else
      EXPECT_NEAR(got[i], want[i], 1e-15) << "index " << i;
  }
}

TEST(HolmTest, MatchesRsPAdjust) {
  // Sorted 0.005, 0.01, 0.03, 0.04 -> 4 x 0.005 = 0.02, 3 x 0.01 = 0.03,
  // 2 x 0.03 = 0.06, 1 x 0.04 = 0.04 raised to 0.06 by the running max.
  expect_holm({0.01, 0.04, 0.03, 0.005}, {0.03, 0.06, 0.06, 0.02});
}

TEST(HolmTest, TiesAndTheCap) {
  // p.adjust(c(0.02, 0.5, 0.02, 0.001, 0.6, 0.04), "holm") =
  // 0.100 1.000 0.100 0.006 1.000 0.120: sorted 0.001 (x6 = 0.006), the two
  // tied 0.02 (x5 = 0.1 and x4 = 0.08, raised to 0.1: ties stay equal),
  // 0.04 (x3 = 0.12), 0.6 (x2 = 1.2, capped at 1), 0.5 (x1, raised to 1).
  expect_holm({0.02, 0.5, 0.02, 0.001, 0.6, 0.04},
              {0.1, 1, 0.1, 0.006, 1, 0.12});
}

TEST(HolmTest, EdgeCases) {
  expect_holm({}, {});
  expect_holm({0.03}, {0.03});  // a family of one is not adjusted
  expect_holm({1, 1}, {1, 1});
  // NaN is R's NA: kept, and not counted in m (2 here, not 3).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_holm({0.01, nan, 0.02}, {0.02, nan, 0.02});
}

// Forty tests at p = 0.03 each: alone each is below 0.05, as a family none
// is (40 x 0.03 > 1); one at 0.0001 among them still is (40 x 0.0001).
TEST(HolmTest, ManyChanceFindingsAreNotSignificant) {
  std::vector<double> p(40, 0.03);
  for (double q : holm_adjust(p)) EXPECT_DOUBLE_EQ(q, 1);
  p[7] = 0.0001;
  const std::vector<double> adjusted = holm_adjust(p);
  EXPECT_NEAR(adjusted[7], 0.004, 1e-15);
  EXPECT_DOUBLE_EQ(adjusted[0], 1);
}

}  // namespace
