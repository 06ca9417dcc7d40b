#pragma once
// Statistics across repetitions of a run.
#include <cstddef>
#include <span>

namespace apb {

struct Summary {
  std::size_t n = 0;
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0;
  // 95 % confidence interval of the mean (Student t, n - 1 degrees of
  // freedom); equals [mean, mean] for n == 1.
  double ci95_low = 0, ci95_high = 0;
};

// Summary of the samples; all zero when empty.
Summary summarize(std::span<const double> samples);

}  // namespace apb
