// --rate and --concurrency lists and ranges ("100,200", "100..10k:20").
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "apbench/error.hpp"
#include "cli/value_lists.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (double rate : apb::parse_rate_list(text, "--rate"))
      if (!(rate > 0)) __builtin_trap();  // only positive, finite rates
  } catch (const apb::UsageError&) {
  }
  try {
    for (std::size_t n :
         apb::parse_count_list(text, "--concurrency", 1, 1000000))
      if (n < 1 || n > 1000000) __builtin_trap();
  } catch (const apb::UsageError&) {
  }
  return 0;
}
