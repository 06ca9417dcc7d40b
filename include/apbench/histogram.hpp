#pragma once
// High-dynamic-range latency histogram (log-linear buckets), in nanoseconds.
#include <cstdint>
#include <vector>

namespace apb {

// Values from 1 ns to kHighest (~ 2^42 ns, 73 min) with a relative error of
// at most kRelativePrecision (3 significant digits). record() is constant
// time and allocation-free; histograms merge, so each thread records into
// its own and the results are merged afterwards. Not thread-safe.
class Histogram {
 public:
  static constexpr int kSubBucketBits = 10;  // 1024 linear steps per octave
  static constexpr std::uint64_t kHighest = std::uint64_t{1} << 42;
  static constexpr double kRelativePrecision = 1.0 / 1024;

  Histogram();

  void record(std::uint64_t ns) noexcept;  // 0 counts as 1; > kHighest clamps
  void merge(const Histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept;  // exact; 0 when empty
  std::uint64_t max() const noexcept;  // exact; 0 when empty
  double mean() const noexcept;        // exact; 0 when empty
  // Value at percentile p in [0, 100] (nearest-rank), within the relative
  // precision; 0 when empty.
  std::uint64_t percentile(double p) const noexcept;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  // Exact 128-bit sum in two words: integer add/adc is several times
  // cheaper than a long double add on the record() hot path.
  std::uint64_t sum_lo_ = 0;
  std::uint64_t sum_hi_ = 0;
};

}  // namespace apb
