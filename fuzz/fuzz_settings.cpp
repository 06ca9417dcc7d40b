// --set NAME=VALUE / WORKLOAD.NAME=VALUE, one setting per line, checked
// against every workload and applied.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "registry/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1)
    sets.push_back(text.substr(start, end - start));
  sets.push_back(text.substr(start));
  std::vector<const apb::WorkloadEntry*> all;
  for (const auto* w : apb::Registry::instance().workloads()) all.push_back(w);
  try {
    const auto settings = apb::parse_settings(sets, all);
    for (const auto* w : all) {
      apb::Params params(w->info.params);
      apb::apply_settings(settings, *w, params);
    }
  } catch (const apb::UsageError&) {
  }
  return 0;
}
