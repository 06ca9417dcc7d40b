// Log-linear (HDR-style) latency histogram.
//
// Layout: values below 2 * kSub (2048) get one bucket each, so they are exact.
// Above that, every power of two [2^k, 2^(k+1)) is split into kSub (1024)
// equal sub-buckets of width 2^(k-10). A value v >= 1024 * width therefore
// lies in a bucket narrower than v / 1024, which bounds the relative error.
//
// With shift = max(0, bit_width(v) - 11), v >> shift lies in [0, 2048) for the
// exact range and in [1024, 2048) above it, and
//   index = shift * 1024 + (v >> shift)
// numbers the buckets contiguously without gaps or overlaps.
#include "apbench/histogram.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace apb {
namespace {

constexpr std::uint64_t kSub = std::uint64_t{1} << Histogram::kSubBucketBits;

// Setting bit 10 makes bit_width >= 11, so the shift is never negative
// without a branch; bit 10 does not change bit_width for values >= 2048.
constexpr int shift_of(std::uint64_t v) noexcept {
  return std::bit_width(v | kSub) - (Histogram::kSubBucketBits + 1);
}

constexpr std::size_t index_of(std::uint64_t v) noexcept {
  const int shift = shift_of(v);
  return (static_cast<std::size_t>(shift) << Histogram::kSubBucketBits) +
         static_cast<std::size_t>(v >> shift);
}

// Largest value mapping to bucket `index` (inverse of index_of).
constexpr std::uint64_t highest_of(std::size_t index) noexcept {
  // Buckets [0, 2048) are the exact range (shift 0); after that every block of
  // 1024 buckets is one octave with shift (index >> 10) - 1.
  const int shift =
      index < 2 * kSub
          ? 0
          : static_cast<int>(index >> Histogram::kSubBucketBits) - 1;
  const std::uint64_t sub =
      index - (static_cast<std::uint64_t>(shift) << Histogram::kSubBucketBits);
  return ((sub + 1) << shift) - 1;
}

constexpr std::size_t kBuckets = index_of(Histogram::kHighest) + 1;

static_assert(index_of(1) == 1 && index_of(2047) == 2047);
static_assert(index_of(2048) == 2048 && index_of(2049) == 2048);
static_assert(index_of(4095) == 3071 && index_of(4096) == 3072);
static_assert(highest_of(2048) == 2049 && highest_of(3071) == 4095);
static_assert(highest_of(kBuckets - 1) ==
              Histogram::kHighest + (Histogram::kHighest >> 10) - 1);

}  // namespace

namespace histogram_detail {

ZeroedCounts::ZeroedCounts(std::size_t size) : size_(size) {
  // An anonymous private mapping reads as zeros until written.
  void* pages =
      mmap(nullptr, size * sizeof(std::uint64_t), PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) throw std::bad_alloc();
  counts_ = static_cast<std::uint64_t*>(pages);
}

ZeroedCounts::ZeroedCounts(const ZeroedCounts& other)
    : ZeroedCounts(other.size_) {
  for (std::size_t i = 0; i < size_; ++i)
    if (other.counts_[i] != 0) counts_[i] = other.counts_[i];
}

ZeroedCounts& ZeroedCounts::operator=(const ZeroedCounts& other) {
  if (this != &other) *this = ZeroedCounts(other);
  return *this;
}

ZeroedCounts::ZeroedCounts(ZeroedCounts&& other) noexcept
    : counts_(std::exchange(other.counts_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

ZeroedCounts& ZeroedCounts::operator=(ZeroedCounts&& other) noexcept {
  if (this != &other) {
    release();
    counts_ = std::exchange(other.counts_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

ZeroedCounts::~ZeroedCounts() { release(); }

void ZeroedCounts::release() noexcept {
  if (counts_) munmap(counts_, size_ * sizeof(std::uint64_t));
  counts_ = nullptr;
}

void ZeroedCounts::clear() noexcept {
  // MADV_DONTNEED on a private anonymous mapping: the pages read as zeros
  // again and stop counting as resident; should it fail, write the zeros.
  if (madvise(counts_, size_ * sizeof(std::uint64_t), MADV_DONTNEED) != 0)
    std::memset(counts_, 0, size_ * sizeof(std::uint64_t));
}

}  // namespace histogram_detail

Histogram::Histogram() : counts_(kBuckets) {}

Histogram::Histogram(const HistogramData& data) : counts_(kBuckets) {
  const auto bad = [](const std::string& what) {
    throw std::invalid_argument("inconsistent histogram: " + what);
  };
  std::uint64_t total = 0;
  std::size_t next = 0;  // lowest index allowed next
  for (const auto& [index, n] : data.buckets) {
    if (index >= kBuckets || index < next)
      bad("bucket index " + std::to_string(index) +
          " out of range or out of order");
    if (n == 0) bad("empty bucket " + std::to_string(index) + " listed");
    counts_[index] = n;
    total += n;
    next = std::size_t{index} + 1;
  }
  if (total != data.count)
    bad("bucket counts add up to " + std::to_string(total) + ", not " +
        std::to_string(data.count));
  if (data.count > 0) {
    const std::size_t first = data.buckets.front().first;
    const std::size_t last = data.buckets.back().first;
    if (data.min_ns == 0 || index_of(data.min_ns) != first ||
        data.max_ns > kHighest || index_of(data.max_ns) != last)
      bad("min or max outside the first or last bucket");
  }
  count_ = data.count;
  min_ = data.count > 0 ? data.min_ns : 0;
  max_ = data.count > 0 ? data.max_ns : 0;
  sum_lo_ = data.sum_ns;
}

HistogramData Histogram::data() const {
  HistogramData out;
  out.count = count_;
  out.min_ns = min_;
  out.max_ns = max_;
  out.sum_ns = sum_hi_ == 0 ? sum_lo_ : ~std::uint64_t{0};
  for (std::size_t i = 0; i < kBuckets; ++i)
    if (counts_[i] != 0)
      out.buckets.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  return out;
}

std::size_t Histogram::bucket_count() noexcept { return kBuckets; }

std::uint64_t Histogram::bucket_highest(std::size_t index) noexcept {
  return highest_of(index);
}

std::uint64_t Histogram::bucket_lowest(std::size_t index) noexcept {
  return index == 0 ? 0 : highest_of(index - 1) + 1;
}

std::size_t Histogram::bucket_of(std::uint64_t ns) noexcept {
  return index_of(std::clamp<std::uint64_t>(ns, 1, kHighest));
}

void Histogram::record(std::uint64_t ns) noexcept {
  const std::uint64_t v = std::clamp<std::uint64_t>(ns, 1, kHighest);
  ++counts_[index_of(v)];
  ++count_;
  // min_ is 0 while empty; subtracting 1 wraps it to the largest value, so
  // the first record wins the comparison without a branch on count_.
  min_ = std::min(min_ - 1, v - 1) + 1;
  max_ = std::max(max_, v);
  // 128-bit add in two words (add/adc): exact for any realistic run.
  sum_lo_ += v;
  sum_hi_ += sum_lo_ < v;
}

void Histogram::merge(const Histogram& other) noexcept {
  if (other.count_ == 0) return;
  // Only the counts that are not 0: the pages of empty buckets stay
  // untouched (histogram_detail::ZeroedCounts).
  for (std::size_t i = 0; i < kBuckets; ++i)
    if (other.counts_[i] != 0) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_lo_ += other.sum_lo_;
  sum_hi_ += other.sum_hi_ + (sum_lo_ < other.sum_lo_);
}

void Histogram::reset() noexcept {
  counts_.clear();
  count_ = min_ = max_ = sum_lo_ = sum_hi_ = 0;
}

std::uint64_t Histogram::min() const noexcept { return min_; }

std::uint64_t Histogram::max() const noexcept { return max_; }

double Histogram::mean() const noexcept {
  if (count_ == 0) return 0.0;
  // Below 2^64 ns in total (584 years) the sum converts to long double
  // exactly, so the only rounding is the final division.
  const long double two64 = 18446744073709551616.0L;
  const long double sum = sum_hi_ * two64 + static_cast<long double>(sum_lo_);
  return static_cast<double>(sum / count_);
}

std::uint64_t Histogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (!(p > 0)) return min_;  // also catches NaN
  if (p >= 100) return max_;
  // Nearest rank: the smallest value with at least ceil(p% of count) values
  // at or below it. Multiplying before dividing keeps e.g. 99.9 * 1000 / 100
  // at exactly 999 instead of 999.0000000000001.
  const long double exact = static_cast<long double>(p) * count_ / 100;
  const std::uint64_t rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(exact)), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // The exact value is somewhere in this bucket; its top is at most
      // 1/1024 above it. Clamping keeps p-values within observed data.
      return std::clamp(highest_of(i), min_, max_);
    }
  }
  return max_;  // unreachable: the counts sum to count_
}

}  // namespace apb
