// HdrHistogram's V2 encoding (see hdr_encoding.hpp). Byte layout, all
// integers big-endian:
//   compressed:  cookie 0x1c849314 (u32), deflated length (u32), zlib data
//   inflated:    cookie 0x1c849313 (u32), payload length (u32), normalizing
//                index offset (u32), significant digits (u32), lowest
//                discernible (i64), highest trackable (i64), integer to
//                double ratio (f64 bits), then the payload: counts from
//                index 0 to the last non-zero one, ZigZag LEB128, a run of
//                k empty buckets written as -k.
// The low nibble's neighbour (0x10) of each cookie is the word size field
// HdrHistogram's writers set; readers compare the cookies without it.
#include "stats/hdr_encoding.hpp"

#include <zlib.h>

#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

namespace apb {
namespace {

constexpr std::uint32_t kEncodingCookie = 0x1c849303 | 0x10;
constexpr std::uint32_t kCompressedCookie = 0x1c849304 | 0x10;
constexpr std::uint32_t cookie_base(std::uint32_t cookie) {
  return cookie & ~std::uint32_t{0xf0};
}
constexpr std::size_t kHeaderBytes = 40;
constexpr std::size_t kMaxVarintBytes = 9;

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("not an HdrHistogram V2 histogram: " + what);
}

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = (value << 8) | static_cast<unsigned char>(in[at + i]);
  return value;
}

// LEB128 of the ZigZag form, HdrHistogram's variant: at most 9 bytes, the
// ninth carrying a whole 8 bits (so 64-bit values fit).
void put_zigzag(std::string& out, std::int64_t signed_value) {
  std::uint64_t v = (static_cast<std::uint64_t>(signed_value) << 1) ^
                    static_cast<std::uint64_t>(signed_value >> 63);
  for (std::size_t i = 0; i < kMaxVarintBytes - 1; ++i) {
    if (v < 0x80) {
      out.push_back(static_cast<char>(v));
      return;
    }
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));  // bits 56..63
}

std::int64_t get_zigzag(std::string_view in, std::size_t& at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0;; ++i) {
    if (at >= in.size()) bad("a count is cut short");
    const auto byte = static_cast<unsigned char>(in[at++]);
    if (i == kMaxVarintBytes - 1) {
      v |= std::uint64_t{byte} << 56;
      break;
    }
    v |= std::uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = static_cast<std::uint32_t>(get_be(bytes, i, 3));
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n =
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2)
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1]))
           << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string unbase64(std::string_view text) {
  std::array<int, 256> value;
  value.fill(-1);
  for (int i = 0; i < 64; ++i)
    value[static_cast<unsigned char>(kAlphabet[i])] = i;
  if (text.size() % 4 != 0) bad("base64 text of a length not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int pads = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      const bool last_quad = i + 4 == text.size();
      if (c == '=' && last_quad && j >= 2) {
        ++pads;
        n <<= 6;
        continue;
      }
      const int v = value[static_cast<unsigned char>(c)];
      if (v < 0 || pads > 0) bad("not base64 text");
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pads < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pads < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

std::string inflate_all(std::string_view compressed, std::size_t limit) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) bad("zlib cannot start inflating");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  std::array<char, 16384> chunk;
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - z.avail_out);
    if (out.size() > limit) rc = Z_BUF_ERROR;
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) rc = Z_BUF_ERROR;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) bad("the zlib data is damaged or cut short");
  return out;
}

// HdrHistogram's counts-array length for a layout (AbstractHistogram's
// getLengthForNumberOfBuckets(getBucketsNeededToCoverValue(highest))).
std::size_t counts_length(std::int64_t lowest, std::int64_t highest,
                          std::int32_t digits) {
  std::int64_t largest_single_unit = 2;
  for (int i = 0; i < digits; ++i) largest_single_unit *= 10;
  const int sub_bucket_magnitude = std::bit_width(
      static_cast<std::uint64_t>(largest_single_unit - 1));  // ceil(log2)
  const std::int64_t sub_buckets = std::int64_t{1} << sub_bucket_magnitude;
  const int unit_magnitude =
      std::bit_width(static_cast<std::uint64_t>(lowest)) - 1;
  std::int64_t smallest_untrackable = sub_buckets << unit_magnitude;
  std::size_t buckets = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return (buckets + 1) * static_cast<std::size_t>(sub_buckets / 2);
}

}  // namespace

std::string hdr_compressed_base64(const HistogramData& data) {
  std::string payload;
  std::uint32_t next = 0;  // first index not yet written
  for (const auto& [index, n] : data.buckets) {
    if (index > next)
      put_zigzag(payload, -static_cast<std::int64_t>(index - next));
    put_zigzag(payload, static_cast<std::int64_t>(n));
    next = index + 1;
  }
  std::string encoded;
  encoded.reserve(kHeaderBytes + payload.size());
  put_be(encoded, kEncodingCookie, 4);
  put_be(encoded, payload.size(), 4);
  put_be(encoded, 0, 4);  // normalizing index offset
  put_be(encoded, kHdrSignificantDigits, 4);
  put_be(encoded, kHdrLowestDiscernible, 8);
  put_be(encoded, kHdrHighestTrackable, 8);
  put_be(encoded, std::bit_cast<std::uint64_t>(1.0), 8);
  encoded += payload;

  uLongf deflated_size = compressBound(static_cast<uLong>(encoded.size()));
  std::string deflated(deflated_size, '\0');
  if (compress(reinterpret_cast<Bytef*>(deflated.data()), &deflated_size,
               reinterpret_cast<const Bytef*>(encoded.data()),
               static_cast<uLong>(encoded.size())) != Z_OK)
    throw std::runtime_error("zlib could not compress a histogram");
  deflated.resize(deflated_size);

  std::string out;
  put_be(out, kCompressedCookie, 4);
  put_be(out, deflated.size(), 4);
  out += deflated;
  return base64(out);
}

HdrDecoded decode_hdr_compressed_base64(std::string_view text) {
  const std::string bytes = unbase64(text);
  if (bytes.size() < 8) bad("shorter than its 8-byte header");
  if (cookie_base(static_cast<std::uint32_t>(get_be(bytes, 0, 4))) !=
      cookie_base(kCompressedCookie))
    bad("the compression cookie is not 0x1c849314");
  if (get_be(bytes, 4, 4) != bytes.size() - 8)
    bad("the compressed length does not match the data");
  // Counts of at most 9 bytes each, over any layout HdrHistogram allows.
  const std::string encoded =
      inflate_all(std::string_view(bytes).substr(8), std::size_t{64} << 20);
  if (encoded.size() < kHeaderBytes) bad("shorter than its 40-byte header");
  if (cookie_base(static_cast<std::uint32_t>(get_be(encoded, 0, 4))) !=
      cookie_base(kEncodingCookie))
    bad("the encoding cookie is not V2's 0x1c849303 (+ word size 0x10)");
  const std::size_t payload = get_be(encoded, 4, 4);
  if (payload != encoded.size() - kHeaderBytes)
    bad("the payload length does not match the data");
  if (get_be(encoded, 8, 4) != 0) bad("a normalizing index offset is set");
  HdrDecoded out;
  out.significant_digits = static_cast<std::int32_t>(get_be(encoded, 12, 4));
  out.lowest_discernible = static_cast<std::int64_t>(get_be(encoded, 16, 8));
  out.highest_trackable = static_cast<std::int64_t>(get_be(encoded, 24, 8));
  if (out.significant_digits < 0 || out.significant_digits > 5 ||
      out.lowest_discernible < 1 ||
      out.highest_trackable < 2 * out.lowest_discernible)
    bad("its layout (lowest value, highest value, digits) is invalid");
  const std::size_t length = counts_length(
      out.lowest_discernible, out.highest_trackable, out.significant_digits);
  const std::string_view counts =
      std::string_view(encoded).substr(kHeaderBytes);
  std::size_t at = 0, index = 0;
  while (at < counts.size()) {
    const std::int64_t v = get_zigzag(counts, at);
    if (v < 0) {
      const std::uint64_t zeros = static_cast<std::uint64_t>(-(v + 1)) + 1;
      if (zeros > length - index) bad("a run of empty buckets passes the end");
      index += static_cast<std::size_t>(zeros);
      continue;
    }
    if (index >= length) bad("more counts than its layout has buckets");
    if (v > 0) {
      out.buckets.emplace_back(static_cast<std::uint32_t>(index),
                               static_cast<std::uint64_t>(v));
      out.count += static_cast<std::uint64_t>(v);
    }
    ++index;
  }
  return out;
}

}  // namespace apb
