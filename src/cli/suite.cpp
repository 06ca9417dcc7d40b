// The default suite: what `apbench` with no selection runs. It reproduces
// both seed posts in about a minute on 2 cores.
#include "plan.hpp"

namespace apb::cli {
namespace {

struct SuiteEntry {
  const char* workload;
  std::vector<const char*> strategies;  // empty: all
  std::size_t ops;
  std::size_t concurrency;  // 0: all at once
  std::vector<const char*> settings;
};

// 1. Seed post 1: ten 500 ms calls one after another vs Task.WhenAll.
// 2. Seed post 2, CPU side: coroutines add no cores; oneTBB does.
// 3. Seed post 2, the web API: fetch, process, respond with two requests
//    in flight (cores to spare per request: hybrid splits the processing)
//    and with all in flight (CPU saturated: every all-core strategy ties).
const std::vector<SuiteEntry>& entries() {
  static const std::vector<SuiteEntry> suite = {
      {"io.sleep", {"sequential", "async"}, 10, 0, {"delay=500ms"}},
      {"cpu.mandelbrot", {}, 4, 0, {"size=1024", "iterations=256"}},
      {"hybrid.fetch_process", {}, 16, 2, {}},
      {"hybrid.fetch_process", {}, 16, 0, {}},
  };
  return suite;
}

}  // namespace

Plan default_suite(const Common& common) {
  const auto& registry = Registry::instance();
  Plan plan;
  plan.default_suite = true;
  for (const auto& entry : entries()) {
    const WorkloadEntry& w = registry.workload(entry.workload);
    Params params(w.info.params);
    for (const char* s : entry.settings) apply_setting(params, s);
    std::vector<const Strategy*> strategies;
    if (entry.strategies.empty()) strategies = registry.strategies();
    for (const char* s : entry.strategies)
      strategies.push_back(&registry.strategy(s));
    for (const auto* s : strategies)
      plan.runs.push_back(
          make_request(w, *s, params, entry.ops, entry.concurrency, common));
  }
  return plan;
}

}  // namespace apb::cli
