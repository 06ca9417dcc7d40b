#pragma once
// A plan of runs and the one call that measures it all. A program of its
// own builds a Plan, then run_plan() -> analyse() (analysis.hpp) -> a
// reporter (report.hpp); the command line builds its Plan from flags.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/registry.hpp"
#include "apbench/results.hpp"
#include "apbench/runner.hpp"

namespace apb {

// Settings every run of a sweep shares.
struct RunSettings {
  unsigned repetitions = 3;
  unsigned warmup = 1;
  unsigned threads = 0;  // 0: hardware threads
  std::uint64_t seed = 1;
  // Sweeps with an SLO: bisection steps between each strategy's last point
  // meeting it and its first breaking it (knee_refinement.hpp). A regime
  // map: bisection steps on each border between neighbouring cells with
  // different winners (MapBorder in results.hpp), each step one probe of the
  // two winners, off the grid.
  unsigned refine = 0;
  // A regime map (a sweep of two axes): rounds of extra repetitions, each
  // adding half the repetitions (at least 2) to the cells whose verdict is
  // unsettled (regime_map.hpp), so a clear cell costs the base repetitions
  // and a border cell up to twice as many.
  unsigned map_rounds = 0;
};

// One workload with its parameters, measured under each strategy at one or
// more load points, in order (rates or concurrencies ascending). The
// strategies of a point are measured together (run_group); a strategy past
// saturation (past_saturation, saturation.hpp) skips the remaining points.
//
// A parameter sweep (--set work=1ms..64ms) gives each point its own
// parameter values in `point_params`, and names the swept axes in `axes`:
// parameter names, then "concurrency" when concurrencies are swept with
// them. Two axes make a regime map (results.hpp: RegimeMap). A parameter
// sweep measures every point: no early stop, no knee refinement.
struct Sweep {
  const WorkloadEntry* workload = nullptr;
  Params params;
  std::vector<const Strategy*> strategies;
  std::vector<Load> points;
  RunSettings settings;
  // Empty, or one entry per point: (name, value) set over `params`.
  std::vector<std::vector<std::pair<std::string, std::string>>> point_params;
  std::vector<std::string> axes;  // empty unless a parameter is swept
};

struct Plan {
  std::vector<Sweep> sweeps;
  // Judges the early stop and the knees; its percentile joins every
  // run's latency spectrum.
  std::optional<Slo> slo;
  // Wall-clock start (Unix seconds, --start-at): run_plan waits for it, so
  // shards on several hosts begin their schedules together.
  std::optional<double> start_at_unix_s;
  std::size_t run_count() const;  // at most: sweeps may stop early
  // Repetitions of all runs, warm-ups included, at most (for an ETA).
  std::size_t repetition_count() const;
};

// What run_plan reports as it goes; every member is optional.
struct PlanCallbacks {
  ProgressFn repetition;  // before each repetition (see runner.hpp)
  // After each run, with its result, already appended to Results::runs
  // (the runs of a group, after the whole group).
  std::function<void(const RunResult&)> finished;
  // As soon as a run is done, before the rest of its group (the strategies
  // measured with it, interleaved) is: the result `finished` will give,
  // not yet in Results::runs. For writing every run as soon as it is done.
  std::function<void(const RunResult&)> done;
  // A strategy left its sweep early: `runs` of its runs, with `repetitions`
  // repetitions (warm-ups included), will not run.
  std::function<void(const EarlyStop&, std::size_t runs,
                     std::size_t repetitions)>
      skipped;
  // The plan's size changed by `runs` runs and `repetitions` repetitions:
  // an adaptive map found fewer unsettled cells than it allowed for, or
  // --refine found borders to probe (or fewer steps than allowed). For an
  // ETA that stays honest.
  std::function<void(std::ptrdiff_t runs, std::ptrdiff_t repetitions)> resized;
  // Polled between rounds of repetitions: true ends the plan early (runs
  // keep the repetitions measured so far; later points do not run).
  StopFn stop_requested;
  // The prompt way to end the plan early (e.g. from a signal handler's
  // thread: std::stop_source::request_stop): the repetition in progress
  // ends within moments, then as with stop_requested; Results::interrupted
  // is set.
  std::stop_token stop;
};

// Measures the plan sweep by sweep, appending runs to `results.runs` and
// early stops to `results.early_stops`, and sets `results.slo`; the context
// is the caller's to fill (current_context, context.hpp). A UsageError (a
// bad parameter value found at a run's setup) propagates, and `results`
// then holds every run measured before it, ready to analyse and write.
void run_plan(const Plan& plan, Results& results,
              const PlanCallbacks& callbacks = {});
// The same into a new Results with this machine's context.
Results run_plan(const Plan& plan, const PlanCallbacks& callbacks = {});

// The run of `strategy` at point `load` of the sweep.
RunRequest make_request(const Sweep& sweep, const Strategy& strategy,
                        const Load& load, const std::optional<Slo>& slo);
// The run of `strategy` at point `k`: its load, and its parameter values
// when the sweep sweeps parameters.
RunRequest make_request(const Sweep& sweep, const Strategy& strategy,
                        std::size_t k, const std::optional<Slo>& slo);

}  // namespace apb
