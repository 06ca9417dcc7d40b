// The Google Benchmark adapter: apbench runs as benchmarks (see
// apbench/gbench.hpp).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <utility>

#include "apbench/error.hpp"
#include "apbench/gbench.hpp"
#include "apbench/gbench_name.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "registry/settings.hpp"
#include "text/names.hpp"

namespace apb::gbench {
namespace {

// One call is one Google Benchmark run of the benchmark: it calls this
// once per attempt at an iteration count and once per
// --benchmark_repetitions. The workload is set up once per call, not per
// iteration: setup writes io.file's files, starts io.tcp_echo's and
// io.http's loopback servers, allocates images, none of which belongs in a
// repetition (apbench itself sets up once per run), and doing it per
// iteration would make a 1000-iteration run start 1000 servers. The
// Measurement tears the workload down (stops its servers) when it goes out
// of scope, whichever way this returns.
void run_benchmark(benchmark::State& state, const RunRequest& request) {
  std::unique_ptr<Measurement> m;
  try {
    m = std::make_unique<Measurement>(request);
  } catch (const std::exception& e) {  // a parameter the workload rejects
    state.SkipWithError(e.what());
    return;
  }
  auto skip = [&] {
    const std::string why =
        fmt::format("{}: {}", to_string(m->status()), m->reason());
    state.SkipWithError(why.c_str());
  };
  for (unsigned i = 0; i < request.warmup && m->measuring(); ++i)
    m->repetition(i);
  if (!m->measuring()) return skip();

  unsigned index = request.warmup;
  std::uint64_t ops_ok = 0;
  std::uint64_t errors = 0;
  for (auto _ : state) {
    const Repetition* rep = m->repetition(index++);
    if (!rep) {
      skip();
      break;
    }
    state.SetIterationTime(rep->wall_s);
    ops_ok += rep->ops_ok;
    errors += rep->errors;
  }
  if (state.error_occurred()) return;

  const RunResult run = m->finish();
  if (run.status != RunStatus::ok) return skip();
  // Rates divide by the total manual time: successful ops per second of
  // wall time, as apbench's throughput.
  state.SetItemsProcessed(static_cast<std::int64_t>(ops_ok));
  state.counters["errors"] = benchmark::Counter(
      static_cast<double>(errors), benchmark::Counter::kAvgIterations);
  if (run.latency_s.count > 0) {
    state.counters["p50_s"] = run.latency_s.p50;
    state.counters["p99_s"] = run.latency_s.p99;
  }
  // Against the mean wall time, the real_time Google Benchmark reports.
  if (run.ideal_s && run.wall_s.mean > 0)
    state.counters["efficiency"] = *run.ideal_s / run.wall_s.mean;
}

std::vector<const WorkloadEntry*> select_workloads(const Options& options) {
  NameFilter filter;
  for (const auto& f : options.filters) filter.add(f);
  std::vector<const WorkloadEntry*> out;
  const auto& registry = Registry::instance();
  for (const auto* w : registry.workloads())
    if (filter.matches(w->info.name)) out.push_back(w);
  if (out.empty()) {
    std::string what = "no workload matches";
    for (const auto& f : options.filters) what += fmt::format(" '{}'", f);
    throw UsageError(fmt::format("{}; workloads: {}", what,
                                 fmt::join(registry.workload_names(), ", ")));
  }
  return out;
}

std::vector<const Strategy*> select_strategies(const Options& options) {
  const auto& registry = Registry::instance();
  if (options.strategies.empty()) return registry.strategies();
  std::vector<const Strategy*> out;
  for (const auto& name : options.strategies)
    out.push_back(&registry.strategy(name));  // throws when unknown
  return out;
}

Load load_for(const Options& options, const WorkloadInfo& info) {
  if (options.load) {
    Load load = *options.load;
    if (!load.open() && load.ops == 0) load.ops = info.default_ops;
    return load;
  }
  Load load;
  load.ops = options.ops.value_or(info.default_ops);
  load.concurrency = options.concurrency.value_or(info.default_concurrency);
  load.threads = options.threads;
  return load;
}

}  // namespace

std::vector<std::string> register_benchmarks(const Options& options) {
  const auto workloads = select_workloads(options);
  const auto strategies = select_strategies(options);
  const auto settings = parse_settings(options.settings, workloads);

  // Every request and name first: a bad setting registers nothing.
  std::vector<std::pair<std::string, RunRequest>> benchmarks;
  for (const auto* w : workloads) {
    Params base(w->info.params);
    apply_settings(settings, *w, base);
    // A swept parameter (--set work=1ms,2ms) registers a benchmark per
    // value, as Google Benchmark's Args do: every combination.
    std::vector<Params> combinations = {base};
    for (const auto& swept : swept_parameters(settings, *w)) {
      std::vector<Params> next;
      for (const auto& params : combinations)
        for (const auto& value : swept.values) {
          next.push_back(params);
          next.back().set(swept.name, value);
        }
      combinations = std::move(next);
    }
    for (const auto& params : combinations)
      for (const auto* s : strategies) {
        RunRequest r;
        r.workload = w;
        r.strategy = s;
        r.params = params;
        r.load = load_for(options, w->info);
        r.repetitions = 1;  // unused: Google Benchmark decides the iterations
        r.warmup = options.warmup;
        r.seed = options.seed;
        benchmarks.emplace_back(
            gbench_name(w->info.name, s->name(), params.values(), r.load,
                        hardware_threads()),
            r);
      }
  }
  std::vector<std::string> names;
  for (auto& [name, request] : benchmarks) {
    // Google Benchmark appends the suffix itself, from the settings below.
    const std::string base =
        name.substr(0, name.size() - kGbenchNameSuffix.size());
    benchmark::RegisterBenchmark(
        base.c_str(),
        [request = std::move(request)](benchmark::State& state) {
          run_benchmark(state, request);
        })
        ->UseManualTime()
        ->MeasureProcessCPUTime()
        ->Unit(benchmark::kMillisecond);
    names.push_back(std::move(name));
  }
  return names;
}

std::vector<std::string> register_benchmarks(
    std::string_view filter, std::vector<std::string> strategies,
    std::optional<Load> load) {
  Options options;
  if (!filter.empty()) options.filters.emplace_back(filter);
  options.strategies = std::move(strategies);
  options.load = std::move(load);
  return register_benchmarks(options);
}

}  // namespace apb::gbench
