// The default suite: what `apbench` with no selection runs, in about a
// minute on 2 cores: waits one after another vs all at once, async vs
// parallel on CPU work, and a service that fetches, then processes.
#include "plan.hpp"

namespace apb::cli {
namespace {

// Which strategies an entry runs, by what they declare (nullptr: all).
using Pick = bool (*)(const StrategyTraits&);

// The seed post's pair: one op at a time, and all awaited together on one
// event-loop thread (Task.WhenAll).
bool one_at_a_time_or_one_loop(const StrategyTraits& t) {
  return t.baseline || (t.event_loop && t.one_thread);
}

struct SuiteEntry {
  const char* workload;
  Pick strategies;
  std::size_t ops;
  std::size_t concurrency;  // 0: all at once
  std::vector<const char*> settings;
};

// 1. Ten 500 ms calls one after another vs all at once (Task.WhenAll).
// 2. CPU work: coroutines add no cores; oneTBB does.
// 3. A web API: fetch, process, respond with two requests
//    in flight (cores to spare per request: hybrid splits the processing)
//    and with all in flight (CPU saturated: every all-core strategy ties).
const std::vector<SuiteEntry>& entries() {
  static const std::vector<SuiteEntry> suite = {
      {"io.sleep", one_at_a_time_or_one_loop, 10, 0, {"delay=500ms"}},
      {"cpu.mandelbrot", nullptr, 4, 0, {"size=1024", "iterations=256"}},
      {"hybrid.fetch_process", nullptr, 16, 2, {}},
      {"hybrid.fetch_process", nullptr, 16, 0, {}},
  };
  return suite;
}

}  // namespace

Plan default_suite(const RunSettings& settings) {
  const auto& registry = Registry::instance();
  Plan plan;
  for (const auto& entry : entries()) {
    Sweep sweep;
    sweep.workload = &registry.workload(entry.workload);
    sweep.params = Params(sweep.workload->info.params);
    for (const char* s : entry.settings) apply_setting(sweep.params, s);
    for (const Strategy* s : registry.strategies())
      if (!entry.strategies || entry.strategies(s->traits()))
        sweep.strategies.push_back(s);
    Load load;
    load.ops = entry.ops;
    load.concurrency = entry.concurrency;
    sweep.points.push_back(load);
    sweep.settings = settings;
    plan.sweeps.push_back(std::move(sweep));
  }
  return plan;
}

}  // namespace apb::cli
