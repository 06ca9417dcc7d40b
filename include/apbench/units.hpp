#pragma once
// Parsing and formatting of values with units: durations (ns us ms s),
// sizes (B KiB MiB GiB) and plain numbers. Parse failures throw UsageError
// with a one-line message naming the text and the accepted forms.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "apbench/error.hpp"

namespace apb {

// "500ms", "1.5s", "250us", "100ns", "2s". A bare number is rejected (the
// unit is required) except "0". Negative values are rejected.
std::chrono::nanoseconds parse_duration(std::string_view text);

// "1KiB", "4MiB", "512B", "1GiB", a bare integer means bytes. Also accepts
// "KB"/"MB"/"GB" as powers of 1000. Negative values are rejected.
std::uint64_t parse_bytes(std::string_view text);

// Whole number, optionally with a k/M suffix ("10k" = 10000). Rejects
// trailing junk, signs are allowed only when allow_negative.
std::int64_t parse_integer(std::string_view text, bool allow_negative = false);

// Floating-point number; rejects trailing junk, NaN and infinities.
double parse_real(std::string_view text);

// Human-readable forms with units and ~4 significant digits:
// format_duration(5.0021) == "5.002 s", (0.0005003) == "500.3 us",
// (85e-9) == "85.0 ns". Negative/NaN give "-".
std::string format_duration(double seconds);
// format_bytes(1536) == "1.50 KiB"
std::string format_bytes(double bytes);
// format_rate(12345.6) == "12.35 k/s", (2.5) == "2.500 /s"
std::string format_rate(double per_second);

}  // namespace apb
