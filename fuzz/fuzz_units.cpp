// Values with units: durations, sizes, counts, reals. Bad input must be a
// UsageError, never a crash; what parses must format and parse back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "apbench/error.hpp"
#include "apbench/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto d = apb::parse_duration(text);
    if (d.count() < 0) __builtin_trap();
    (void)apb::format_duration(static_cast<double>(d.count()) * 1e-9);
  } catch (const apb::UsageError&) {
  }
  try {
    (void)apb::format_bytes(static_cast<double>(apb::parse_bytes(text)));
  } catch (const apb::UsageError&) {
  }
  try {
    (void)apb::parse_integer(text, size % 2 == 0);
  } catch (const apb::UsageError&) {
  }
  try {
    (void)apb::parse_real(text);
  } catch (const apb::UsageError&) {
  }
  return 0;
}
