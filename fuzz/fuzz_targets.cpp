// `target=` of io.tcp_echo (HOST:PORT) and io.http (URLs), and `bind=`:
// parsed by each workload's setup, which connects nowhere (no op runs), so
// no traffic leaves the process whatever the input names.
#include <cstddef>
#include <cstdint>
#include <string>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.empty()) return 0;  // empty target: an in-process server
  for (const char* name : {"io.tcp_echo", "io.http"}) {
    const auto& entry = apb::Registry::instance().workload(name);
    apb::Params params(entry.info.params);
    params.set("connections", "1");
    const apb::RunSetup setup{params, 1, 1, 1, 1, 1};
    try {
      params.set("target", text);
      auto workload = entry.make();
      workload->setup(setup);
      workload->teardown();
    } catch (const apb::UsageError&) {
    }
  }
  return 0;
}
