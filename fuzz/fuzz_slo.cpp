// --slo pNN=DURATION.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "apbench/error.hpp"
#include "apbench/series.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const apb::Slo slo = apb::parse_slo(text);
    if (!(slo.percentile > 0 && slo.percentile <= 100) ||
        !std::isfinite(slo.limit_s) || slo.limit_s < 0)
      __builtin_trap();
    (void)apb::slo_text(slo);
  } catch (const apb::UsageError&) {
  }
  return 0;
}
