#pragma once
// HdrHistogram's compressed V2 encoding of a histogram, as one line of a
// histogram interval log holds it (HistogramLogWriter, hdr_log_write): a
// header (cookie 0x1c849313, the layout's lowest value, highest value and
// significant digits) and the bucket counts as ZigZag LEB128 numbers,
// zeros as negative runs; zlib-deflated behind a second cookie
// (0x1c849314) and the compressed length; base64. apbench's buckets are
// HdrHistogram's for a lowest value of 1 ns and 3 significant digits, so
// the counts are written index for index and land in the same buckets.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/histogram.hpp"

namespace apb {

// The layout apbench's Histogram has, in HdrHistogram's terms.
inline constexpr std::int64_t kHdrLowestDiscernible = 1;
inline constexpr std::int64_t kHdrHighestTrackable =
    static_cast<std::int64_t>(Histogram::kHighest);
inline constexpr std::int32_t kHdrSignificantDigits = 3;

// `data` encoded, compressed and in base64 (HdrHistogram's
// Base64CompressedHistogram, "HISTFAAA..."). Throws std::runtime_error if
// zlib fails.
std::string hdr_compressed_base64(const HistogramData& data);

// An encoded histogram read back: the layout its header names and its
// non-empty buckets (HdrHistogram's counts-array indices, ascending).
struct HdrDecoded {
  std::int32_t significant_digits = 0;
  std::int64_t lowest_discernible = 0;
  std::int64_t highest_trackable = 0;
  std::uint64_t count = 0;  // the sum of the counts
  std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets;
};

// Reads what hdr_compressed_base64 (or HdrHistogram's own writers, V2)
// wrote; throws std::invalid_argument naming what is wrong (base64,
// cookies, lengths, zlib, counts past the layout's highest value).
HdrDecoded decode_hdr_compressed_base64(std::string_view text);

}  // namespace apb
