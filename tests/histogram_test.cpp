#include "apbench/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

using apb::Histogram;

constexpr double kPercentiles[] = {0,    0.1,  1,    5,     10,     25,
                                   33.3, 50,   66,   75,    90,     95,
                                   99,   99.5, 99.9, 99.99, 99.999, 100};

// Nearest-rank percentile of sorted data: the rank-th smallest value with
// rank = ceil(p / 100 * n), at least 1.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted,
                               double p) {
  const long double r = static_cast<long double>(p) * sorted.size() / 100;
  auto rank = static_cast<std::size_t>(std::ceil(r));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Checks count, min, max, mean and percentiles of `h` against `values`.
void expect_matches(const Histogram& h, std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  ASSERT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  long double sum = 0;
  for (auto v : values) sum += static_cast<long double>(v);
  EXPECT_DOUBLE_EQ(h.mean(), static_cast<double>(sum / values.size()));

  auto check = [&](double p) {
    const std::uint64_t want = exact_percentile(values, p);
    const std::uint64_t got = h.percentile(p);
    EXPECT_GE(got, want) << "p=" << p;  // reported value is a bucket's top
    EXPECT_LE(static_cast<double>(got - want),
              static_cast<double>(want) * Histogram::kRelativePrecision)
        << "p=" << p << " want=" << want << " got=" << got;
  };
  for (double p : kPercentiles) check(p);
  for (double p = 0; p <= 100; p += 0.37) check(p);
}

std::uint64_t clamp_ns(double x) {
  x = std::clamp(x, 1.0, static_cast<double>(Histogram::kHighest));
  return static_cast<std::uint64_t>(x);
}

std::vector<std::uint64_t> uniform_values(std::uint64_t seed, std::uint64_t hi,
                                          int n) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint64_t> dist(1, hi);
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Log-normal around 10 us with a spread that covers ~1 ns .. ~10 s.
std::vector<std::uint64_t> lognormal_values(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(1e4), 3.0);
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = clamp_ns(dist(rng));
  return v;
}

Histogram histogram_of(const std::vector<std::uint64_t>& values) {
  Histogram h;
  for (auto v : values) h.record(v);
  return h;
}

TEST(HistogramTest, EmptyReturnsZero) {
  const Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  for (double p : kPercentiles) EXPECT_EQ(h.percentile(p), 0u);
}

TEST(HistogramTest, SingleValue) {
  Histogram h;
  h.record(123'456'789);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min(), 123'456'789u);
  EXPECT_EQ(h.max(), 123'456'789u);
  EXPECT_EQ(h.mean(), 123'456'789.0);
  // Clamping to [min, max] makes every percentile exact here.
  for (double p : kPercentiles) EXPECT_EQ(h.percentile(p), 123'456'789u);
}

TEST(HistogramTest, SmallValuesAreExact) {
  std::vector<std::uint64_t> values;
  for (std::uint64_t v = 1; v < 2048; ++v) values.push_back(v);
  const Histogram h = histogram_of(values);
  for (double p : kPercentiles) {
    EXPECT_EQ(h.percentile(p), exact_percentile(values, p)) << "p=" << p;
  }
}

TEST(HistogramTest, UniformWithinPrecision) {
  for (std::uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(seed);
    for (std::uint64_t hi : {5'000ull, 1'000'000ull, 10'000'000'000ull}) {
      SCOPED_TRACE(hi);
      const auto values = uniform_values(seed, hi, 100'000);
      expect_matches(histogram_of(values), values);
    }
  }
}

TEST(HistogramTest, LogNormalWithinPrecision) {
  for (std::uint64_t seed : {7, 8, 9, 10}) {
    SCOPED_TRACE(seed);
    const auto values = lognormal_values(seed, 200'000);
    expect_matches(histogram_of(values), values);
  }
}

// Every bucket boundary near each power of two, paired with a large value so
// that percentile(50) reports the small value's bucket rather than max.
TEST(HistogramTest, BucketBoundaries) {
  for (int k = 0; k <= 42; ++k) {
    const std::uint64_t pow = std::uint64_t{1} << k;
    for (std::uint64_t v : {pow - 1, pow, pow + 1, pow + pow / 2}) {
      if (v == 0 || v >= Histogram::kHighest) continue;
      Histogram h;
      h.record(v);
      h.record(Histogram::kHighest);
      const std::uint64_t got = h.percentile(50);
      EXPECT_GE(got, v) << "v=" << v;
      EXPECT_LE(static_cast<double>(got - v),
                static_cast<double>(v) * Histogram::kRelativePrecision)
          << "v=" << v;
    }
  }
}

TEST(HistogramTest, ZeroCountsAsOne) {
  Histogram h;
  h.record(0);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1u);
  EXPECT_EQ(h.mean(), 1.0);
  EXPECT_EQ(h.percentile(50), 1u);
}

TEST(HistogramTest, HugeValuesClamp) {
  Histogram h;
  h.record(Histogram::kHighest + 1);
  h.record(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), Histogram::kHighest);
  EXPECT_EQ(h.max(), Histogram::kHighest);
  EXPECT_EQ(h.mean(), static_cast<double>(Histogram::kHighest));
  EXPECT_EQ(h.percentile(50), Histogram::kHighest);
  EXPECT_EQ(h.percentile(100), Histogram::kHighest);
}

TEST(HistogramTest, Percentile100IsExactMax) {
  for (std::uint64_t seed : {11, 12}) {
    const auto values = lognormal_values(seed, 10'000);
    const Histogram h = histogram_of(values);
    EXPECT_EQ(h.percentile(100),
              *std::max_element(values.begin(), values.end()));
    EXPECT_EQ(h.percentile(0), *std::min_element(values.begin(), values.end()));
  }
}

TEST(HistogramTest, MergeEqualsRecordingEverything) {
  const auto a = lognormal_values(21, 50'000);
  const auto b = uniform_values(22, 1'000'000'000, 30'000);
  std::vector<std::uint64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());

  Histogram merged = histogram_of(a);
  merged.merge(histogram_of(b));
  const Histogram whole = histogram_of(all);

  expect_matches(merged, all);
  EXPECT_EQ(merged.count(), whole.count());
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
  EXPECT_EQ(merged.mean(), whole.mean());
  for (double p = 0; p <= 100; p += 0.1) {
    EXPECT_EQ(merged.percentile(p), whole.percentile(p)) << "p=" << p;
  }
}

// 3 Mi records of 2^42 ns each stay below 2^64 ns; twice that exceeds it, so
// the mean relies on the carry into the high word of the sum, both in merge()
// and in record().
TEST(HistogramTest, SumBeyond64Bits) {
  constexpr int kRecords = 3 << 20;
  Histogram a;
  for (int i = 0; i < kRecords; ++i) a.record(Histogram::kHighest);
  Histogram b = a;
  b.record(1);
  a.merge(b);
  const long double n = 2.0L * kRecords + 1;
  const long double sum = 2.0L * kRecords * Histogram::kHighest + 1;
  EXPECT_EQ(a.count(), 2u * kRecords + 1);
  EXPECT_DOUBLE_EQ(a.mean(), static_cast<double>(sum / n));
  EXPECT_LT(a.mean(), static_cast<double>(Histogram::kHighest));

  for (int i = 0; i < kRecords; ++i) b.record(Histogram::kHighest);
  EXPECT_DOUBLE_EQ(b.mean(), static_cast<double>(sum / n));
}

TEST(HistogramTest, MergeWithEmpty) {
  const auto values = uniform_values(31, 1'000'000, 1'000);
  Histogram into_empty;
  into_empty.merge(histogram_of(values));
  expect_matches(into_empty, values);

  Histogram from_empty = histogram_of(values);
  from_empty.merge(Histogram{});
  expect_matches(from_empty, values);
}

TEST(HistogramTest, ResetEmpties) {
  Histogram h = histogram_of(uniform_values(41, 1'000'000, 1'000));
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  h.record(500);
  h.record(700);
  EXPECT_EQ(h.min(), 500u);
  EXPECT_EQ(h.max(), 700u);
  EXPECT_EQ(h.mean(), 600.0);
}

}  // namespace
