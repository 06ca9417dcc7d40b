#include "apbench/stats.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using apb::summarize;

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

}  // namespace
