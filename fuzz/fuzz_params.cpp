// Every parameter of every workload set to the input, then read back through
// its typed getter: bad values are UsageErrors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto* w : apb::Registry::instance().workloads()) {
    for (const auto& spec : w->info.params) {
      apb::Params params(w->info.params);
      try {
        params.set(spec.name, text);
        switch (spec.type) {
          case apb::ParamType::duration:
            (void)params.duration(spec.name);
            break;
          case apb::ParamType::bytes:
            (void)params.bytes(spec.name);
            break;
          case apb::ParamType::integer:
            (void)params.integer(spec.name);
            break;
          case apb::ParamType::real:
            (void)params.real(spec.name);
            break;
          case apb::ParamType::choice:
          case apb::ParamType::text:
            (void)params.text(spec.name);
            break;
        }
      } catch (const apb::UsageError&) {
      }
    }
  }
  return 0;
}
