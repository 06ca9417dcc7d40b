// The Mann-Whitney U test against reference values: SciPy's documented
// example, p-values worked out by hand from the normal approximation, and
// the exact distribution enumerated here by brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "apbench/stats.hpp"

namespace {

using apb::mann_whitney_min_p;
using apb::mann_whitney_u;

// scipy.stats.mannwhitneyu documentation (SciPy 1.7 and later), males vs
// females: U = 17, exact p = 0.1111111111111111 (method='auto' picks the
// exact distribution: 4 and 5 values, no ties); with method='asymptotic'
// p = 0.11134688653314041.
TEST(MannWhitneyTest, ScipyDocumentedExample) {
  const std::vector<double> males{19, 22, 16, 29, 24};
  const std::vector<double> females{20, 11, 17, 12};
  const auto r = mann_whitney_u(males, females);
  EXPECT_DOUBLE_EQ(r.u, 17);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 0.1111111111111111, 1e-12);
}

// Complete separation of 3 and 3: p = 2 / C(6, 3) = 0.1, the smallest this
// test can give, so 3 repetitions per side can never reach p < 0.05.
TEST(MannWhitneyTest, CompleteSeparationOfThree) {
  const std::vector<double> a{1, 2, 3}, b{4, 5, 6};
  const auto r = mann_whitney_u(a, b);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p_value, 0.1, 1e-12);
  EXPECT_NEAR(mann_whitney_min_p(3, 3), 0.1, 1e-12);
  EXPECT_NEAR(mann_whitney_min_p(4, 4), 2.0 / 70, 1e-12);
  EXPECT_NEAR(mann_whitney_min_p(8, 9), 2.0 / 24310, 1e-15);
  // From 9 on both sides the test is the normal approximation, whose
  // floor is higher than the exact 2 / C(18, 9) = 4.1e-5: U = 81,
  // z = (81 - 40.5 - 0.5) / sqrt(81 * 19 / 12) = 3.53209, p = 0.00041229.
  EXPECT_NEAR(mann_whitney_min_p(9, 9), 0.00041229, 1e-8);
  EXPECT_DOUBLE_EQ(
      mann_whitney_min_p(9, 9),
      mann_whitney_u(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9},
                     std::vector<double>{11, 12, 13, 14, 15, 16, 17, 18, 19})
          .p_value);
  EXPECT_EQ(mann_whitney_min_p(0, 5), 1);
}

// Brute force: every way to split the pooled values into samples of 4 and
// 5; p = 2 P(U >= max(U, mn - U)), capped at 1.
double enumerated_p(const std::vector<double>& a,
                    const std::vector<double>& b) {
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  const auto u_of = [](const std::vector<double>& x,
                       const std::vector<double>& y) {
    double u = 0;
    for (double xi : x)
      for (double yi : y) u += xi > yi ? 1 : xi == yi ? 0.5 : 0;
    return u;
  };
  const double mn = static_cast<double>(a.size() * b.size());
  const double u = u_of(a, b);
  const double observed = std::max(u, mn - u);
  std::vector<bool> pick(pooled.size(), false);
  std::fill(pick.begin(), pick.begin() + static_cast<long>(a.size()), true);
  std::sort(pick.begin(), pick.end());
  double at_least = 0, total = 0;
  do {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < pooled.size(); ++i)
      (pick[i] ? x : y).push_back(pooled[i]);
    total += 1;
    if (u_of(x, y) >= observed) at_least += 1;
  } while (std::next_permutation(pick.begin(), pick.end()));
  return std::min(1.0, 2 * at_least / total);
}

TEST(MannWhitneyTest, ExactMatchesEnumeration) {
  const std::vector<std::vector<double>> as{{1.2, 3.4, 0.5, 2.2},
                                            {10, 11, 12, 13},
                                            {5, 1, 9, 3.3},
                                            {0.1, 0.2, 0.3, 9}};
  const std::vector<double> b{2.0, 2.5, 3.0, 0.7, 4.1};
  for (const auto& a : as) {
    const auto r = mann_whitney_u(a, b);
    ASSERT_TRUE(r.exact);
    EXPECT_NEAR(r.p_value, enumerated_p(a, b), 1e-12);
  }
}

// Nine and nine, no ties: SciPy uses the normal approximation. Worked by
// hand: U = 72 (a above b in 72 of 81 pairs), mu = 40.5,
// sigma = sqrt(81 * 19 / 12) = 11.3248, z = (72 - 40.5 - 0.5) / sigma =
// 2.73737, p = 2 * (1 - Phi(z)) = 0.0061933.
TEST(MannWhitneyTest, NormalApproximationForNineAndNine) {
  std::vector<double> a, b;
  for (int i = 0; i < 9; ++i) {
    a.push_back(10 + i);
    b.push_back(i < 3 ? 11.5 + i : 1 + i);  // 3 of b among a's values
  }
  const auto r = mann_whitney_u(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 72);
  const double sigma = std::sqrt(81.0 * 19 / 12);
  const double z = (72 - 40.5 - 0.5) / sigma;
  EXPECT_NEAR(z, 2.73737, 1e-5);
  EXPECT_NEAR(r.p_value, std::erfc(z / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(r.p_value, 0.0061933, 1e-6);
}

// Ties force the normal approximation even for small samples, with the tie
// correction: a = {1, 2, 2, 3}, b = {2, 3, 4, 5}. Pooled ranks: 1 -> 1,
// 2 (x3) -> 3, 3 (x2) -> 5.5, 4 -> 7, 5 -> 8; R_a = 1 + 3 + 3 + 5.5 = 12.5,
// U = 12.5 - 10 = 2.5, max(U, 16 - U) = 13.5; tie term 24 + 6 = 30,
// sigma = sqrt(16 / 12 * (9 - 30 / 56)) = 3.35942; z = (13.5 - 8 - 0.5) /
// sigma = 1.48835, p = 0.136658.
TEST(MannWhitneyTest, TiesUseCorrectedNormalApproximation) {
  const std::vector<double> a{1, 2, 2, 3}, b{2, 3, 4, 5};
  const auto r = mann_whitney_u(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 2.5);
  const double sigma = std::sqrt(16.0 / 12 * (9 - 30.0 / 56));
  EXPECT_NEAR(sigma, 3.35942, 1e-5);
  EXPECT_NEAR(r.p_value, std::erfc(5 / sigma / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(r.p_value, 0.136658, 1e-6);
}

TEST(MannWhitneyTest, DegenerateInputs) {
  const std::vector<double> same{1, 1, 1}, empty;
  EXPECT_EQ(mann_whitney_u(same, same).p_value, 1);  // all tied
  EXPECT_EQ(mann_whitney_u(empty, same).p_value, 1);
  const std::vector<double> a{1, 2, 3, 4}, b{1, 2, 3, 4};
  EXPECT_NEAR(mann_whitney_u(a, b).p_value, 1, 1e-12);  // ties: capped
}

}  // namespace
