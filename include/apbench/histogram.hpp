#pragma once
// High-dynamic-range latency histogram (log-linear buckets), in nanoseconds.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace apb {

// A histogram's content without its empty buckets: lossless and compact,
// what a results file holds (docs/results-schema.md) and what shards merge.
// The buckets are HdrHistogram's for a lowest value of 1 ns and 3
// significant digits (2048 sub-buckets), so its tools read them too.
struct HistogramData {
  std::uint64_t count = 0;
  std::uint64_t min_ns = 0;
  std::uint64_t max_ns = 0;
  std::uint64_t sum_ns = 0;  // exact below 2^64 ns (584 years)
  // (bucket index, count): ascending indices, counts > 0.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets;
  bool operator==(const HistogramData&) const = default;
};

namespace histogram_detail {

// A histogram's bucket counts (264 KiB) in pages the kernel zeroes when they
// are first touched: a run's latencies fill a few of them, and writing
// zeros to all would make all of them resident (3 MiB for the dozen
// histograms of one run, more than the rest of a small run's memory).
// Copies write only the counts that are not 0; a moved-from object may only
// be assigned to or destroyed.
class ZeroedCounts {
 public:
  explicit ZeroedCounts(std::size_t size);
  ZeroedCounts(const ZeroedCounts& other);
  ZeroedCounts& operator=(const ZeroedCounts& other);
  ZeroedCounts(ZeroedCounts&& other) noexcept;
  ZeroedCounts& operator=(ZeroedCounts&& other) noexcept;
  ~ZeroedCounts();

  std::uint64_t& operator[](std::size_t i) noexcept { return counts_[i]; }
  std::uint64_t operator[](std::size_t i) const noexcept { return counts_[i]; }
  // All counts 0 again, their pages handed back.
  void clear() noexcept;

 private:
  void release() noexcept;
  std::uint64_t* counts_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace histogram_detail

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
  // Rebuilds a histogram from data(); throws std::invalid_argument when the
  // data is inconsistent (an index out of range or out of order, counts that
  // do not add up to `count`, min or max outside the buckets).
  explicit Histogram(const HistogramData& data);
  HistogramData data() const;

  static std::size_t bucket_count() noexcept;
  // The values bucket `index` holds: [lowest, highest].
  static std::uint64_t bucket_lowest(std::size_t index) noexcept;
  static std::uint64_t bucket_highest(std::size_t index) noexcept;
  static std::size_t bucket_of(std::uint64_t ns) noexcept;
  std::uint64_t count_at(std::size_t index) const noexcept {
    return counts_[index];
  }

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
  histogram_detail::ZeroedCounts counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  // Exact 128-bit sum in two words: integer add/adc is several times
  // cheaper than a long double add on the record() hot path.
  std::uint64_t sum_lo_ = 0;
  std::uint64_t sum_hi_ = 0;
};

}  // namespace apb
