#include "apbench/plan.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "apbench/busy_work.hpp"
#include "apbench/context.hpp"
#include "apbench/knee_refinement.hpp"
#include "apbench/merge.hpp"
#include "apbench/regime_map.hpp"
#include "apbench/saturation.hpp"
#include "engine/wall_clock.hpp"

namespace apb {
namespace {

std::size_t repetitions_per_run(const Sweep& sweep) {
  return sweep.settings.warmup + sweep.settings.repetitions;
}

// --refine: the runs each strategy may add to a sweep (at most).
std::size_t refine_runs(const Sweep& sweep) {
  return sweep.points.size() > 1 && sweep.point_params.empty()
             ? sweep.settings.refine
             : 0;
}

// A map's extra repetitions per unsettled cell and round, per strategy.
unsigned map_round_repetitions(const Sweep& sweep) {
  return std::max(2u, sweep.settings.repetitions / 2);
}

// Repetitions an adaptive map may add, at most (for the ETA).
std::size_t map_extra_repetitions(const Sweep& sweep) {
  if (sweep.axes.size() != 2) return 0;
  return std::size_t{sweep.settings.map_rounds} * map_round_repetitions(sweep) *
         sweep.points.size() * sweep.strategies.size();
}

RunDoneFn run_done(const PlanCallbacks& callbacks) {
  if (!callbacks.done) return {};
  return [&callbacks](std::size_t, const RunResult& r) { callbacks.done(r); };
}

// After the sweep: per strategy, bisect between its last point meeting the
// SLO and its first breaking it, each step one more run of the sweep.
void refine_knees(const Sweep& sweep, const Slo& slo, Results& results,
                  std::map<const Strategy*, std::vector<std::size_t>>& history,
                  const PlanCallbacks& callbacks) {
  for (const auto* s : sweep.strategies) {
    std::vector<const RunResult*> runs;
    for (std::size_t index : history[s]) runs.push_back(&results.runs[index]);
    const auto bracket = knee_bracket(runs, slo);
    if (!bracket) continue;
    refine_knee(*bracket, sweep.settings.refine,
                [&](const Load& load) -> std::optional<bool> {
                  if (callbacks.stop_requested && callbacks.stop_requested())
                    return std::nullopt;
                  RunRequest r = make_request(sweep, *s, load, slo);
                  std::vector<RunResult> measured =
                      run_group({r}, callbacks.repetition,
                                callbacks.stop_requested, run_done(callbacks));
                  results.runs.push_back(std::move(measured.front()));
                  if (callbacks.finished)
                    callbacks.finished(results.runs.back());
                  const RunResult& run = results.runs.back();
                  return run.status == RunStatus::ok && meets_slo(run, slo);
                });
  }
}

// The sweep's runs so far as one list, as build_maps reads them, and the
// point each belongs to.
struct GridRuns {
  std::vector<RunResult> runs;
  std::vector<std::size_t> point_of;  // runs[i] belongs to point_of[i]
};

GridRuns grid_runs(const std::vector<std::vector<std::size_t>>& point_runs,
                   const Results& results) {
  GridRuns grid;
  for (std::size_t k = 0; k < point_runs.size(); ++k)
    for (std::size_t index : point_runs[k]) {
      grid.runs.push_back(results.runs[index]);
      grid.point_of.push_back(k);
    }
  return grid;
}

const Strategy* strategy_named(const Sweep& sweep, const std::string& name) {
  for (const auto* s : sweep.strategies)
    if (s->name() == name) return s;
  return nullptr;
}

// An adaptive map: after the grid, rounds of more repetitions for the cells
// whose verdict is unsettled (unsettled() in regime_map.hpp), the
// strategies of a cell interleaved as before. The new repetitions join the
// cell's runs (merge_processes, as --forks puts processes' together).
void refine_map(const Sweep& sweep, const std::optional<Slo>& slo,
                const std::vector<std::vector<std::size_t>>& point_runs,
                Results& results, const PlanCallbacks& callbacks,
                const std::function<bool()>& stopping) {
  const std::size_t per_round =
      map_extra_repetitions(sweep) / std::max(1u, sweep.settings.map_rounds);
  // The ETA allowed for every cell in every round; give back what a round
  // does not measure.
  const auto give_back = [&](std::size_t repetitions) {
    if (callbacks.resized && repetitions > 0)
      callbacks.resized(0, -static_cast<std::ptrdiff_t>(repetitions));
  };
  for (unsigned round = 0; round < sweep.settings.map_rounds; ++round) {
    const GridRuns grid = grid_runs(point_runs, results);
    const auto maps = build_maps(grid.runs);
    std::vector<std::size_t> points;
    if (maps.size() == 1)
      for (const MapCell& cell : maps.front().cells)
        if (unsettled(cell, maps.front()) && !cell.runs.empty())
          points.push_back(grid.point_of[cell.runs.front()]);
    if (points.empty() || stopping()) {
      give_back((sweep.settings.map_rounds - round) * per_round);
      return;
    }
    give_back(per_round -
              std::min(per_round, points.size() * sweep.strategies.size() *
                                      map_round_repetitions(sweep)));
    for (std::size_t k : points) {
      if (stopping()) return;
      std::vector<RunRequest> group;
      std::vector<std::size_t> targets;
      for (std::size_t index : point_runs[k]) {
        const RunResult& run = results.runs[index];
        if (run.status != RunStatus::ok) continue;
        const Strategy* s = strategy_named(sweep, run.strategy);
        if (!s) continue;
        RunRequest r = make_request(sweep, *s, k, slo);
        r.repetitions = map_round_repetitions(sweep);
        r.warmup = 0;
        r.stop = callbacks.stop;
        group.push_back(std::move(r));
        targets.push_back(index);
      }
      std::vector<RunResult> measured =
          run_group(group, callbacks.repetition, callbacks.stop_requested);
      for (std::size_t i = 0; i < measured.size(); ++i) {
        Results before, more;
        before.runs = {results.runs[targets[i]]};
        more.runs = {std::move(measured[i])};
        RunResult merged = merge_processes({before, more}).runs.front();
        for (Repetition& rep : merged.repetitions) rep.process = 0;
        results.runs[targets[i]] = std::move(merged);
      }
    }
  }
}

// The request of `strategy` at grid point `k` with the border's axis moved
// to `value`.
RunRequest probe_request(const Sweep& sweep, const Strategy& strategy,
                         std::size_t k, const std::string& axis,
                         const std::string& value,
                         const std::optional<Slo>& slo) {
  RunRequest r = make_request(sweep, strategy, k, slo);
  if (axis == "concurrency")
    r.load.concurrency = std::stoul(value);
  else if (axis == "threads")
    r.load.threads = static_cast<unsigned>(std::stoul(value));
  else
    r.params.set(axis, value);
  r.border_probe = true;
  return r;
}

// --refine on a map: on each border between neighbouring cells with
// different winners, bisect `refine` times between the two values, each
// step measuring the two winners (interleaved) halfway and keeping the half
// where the winner changes; a tie there ends it. The probes are runs of
// their own (RunResult::border_probe) that build_maps places on the border.
void refine_borders(const Sweep& sweep, const std::optional<Slo>& slo,
                    const std::vector<std::vector<std::size_t>>& point_runs,
                    Results& results, const PlanCallbacks& callbacks,
                    const std::function<bool()>& stopping) {
  const GridRuns grid = grid_runs(point_runs, results);
  const auto maps = build_maps(grid.runs);
  if (maps.size() != 1) return;
  const RegimeMap& map = maps.front();
  const std::size_t per_step = 2 * repetitions_per_run(sweep);
  std::size_t steps_left = map.borders.size() * sweep.settings.refine;
  if (callbacks.resized)
    callbacks.resized(static_cast<std::ptrdiff_t>(2 * steps_left),
                      static_cast<std::ptrdiff_t>(per_step * steps_left));
  for (MapBorder border : map.borders) {
    // The grid point of the border's lower cell: its axes but this one set.
    const bool along_x = border.axis == map.x_axis;
    const auto at = [&](const std::vector<std::string>& v,
                        const std::string& value) {
      return static_cast<std::size_t>(std::find(v.begin(), v.end(), value) -
                                      v.begin());
    };
    const std::size_t x = at(map.x_values, along_x ? border.from : border.at);
    const std::size_t y = at(map.y_values, along_x ? border.at : border.from);
    const MapCell& cell = map.cells[y * map.x_values.size() + x];
    const Strategy* first = strategy_named(sweep, border.probed.at(0));
    const Strategy* second = strategy_named(sweep, border.probed.at(1));
    if (cell.runs.empty() || !first || !second) continue;
    const std::size_t k = grid.point_of[cell.runs.front()];
    for (unsigned step = 0; step < sweep.settings.refine; ++step) {
      const auto mid = border_midpoint(map, border);
      if (!mid || stopping()) break;
      std::vector<RunRequest> group = {
          probe_request(sweep, *first, k, border.axis, *mid, slo),
          probe_request(sweep, *second, k, border.axis, *mid, slo)};
      for (auto& request : group) request.stop = callbacks.stop;
      std::vector<RunResult> measured =
          run_group(group, callbacks.repetition, callbacks.stop_requested,
                    run_done(callbacks));
      --steps_left;
      for (auto& run : measured) {
        results.runs.push_back(std::move(run));
        if (callbacks.finished) callbacks.finished(results.runs.back());
      }
      const ProbeVerdict verdict =
          probe_verdict(border, results.runs[results.runs.size() - 2],
                        results.runs.back(), map.threshold);
      if (verdict == ProbeVerdict::below) border.low = *mid;
      if (verdict == ProbeVerdict::above) border.high = *mid;
      if (verdict == ProbeVerdict::even || verdict == ProbeVerdict::unmeasured)
        break;
    }
  }
  if (callbacks.resized && steps_left > 0)
    callbacks.resized(-static_cast<std::ptrdiff_t>(2 * steps_left),
                      -static_cast<std::ptrdiff_t>(per_step * steps_left));
}

// Measures one sweep: its points in order, the strategies of a point as one
// interleaved group, each strategy until it is past saturation.
void run_sweep(const Sweep& sweep, const std::optional<Slo>& slo,
               Results& results, const PlanCallbacks& callbacks) {
  const auto stopping = [&] {
    return callbacks.stop.stop_requested() ||
           (callbacks.stop_requested && callbacks.stop_requested());
  };
  // Strategies still in the sweep, and the indices of their runs so far.
  std::vector<const Strategy*> active = sweep.strategies;
  std::map<const Strategy*, std::vector<std::size_t>> history;
  std::vector<std::vector<std::size_t>> point_runs(sweep.points.size());
  for (std::size_t k = 0; k < sweep.points.size() && !active.empty(); ++k) {
    if (stopping()) return;
    std::vector<RunRequest> group;
    for (const auto* s : active)
      group.push_back(make_request(sweep, *s, k, slo));
    for (auto& request : group) request.stop = callbacks.stop;
    std::vector<RunResult> measured =
        run_group(group, callbacks.repetition, callbacks.stop_requested,
                  run_done(callbacks));
    for (std::size_t i = 0; i < measured.size(); ++i) {
      history[active[i]].push_back(results.runs.size());
      point_runs[k].push_back(results.runs.size());
      results.runs.push_back(std::move(measured[i]));
      if (callbacks.finished) callbacks.finished(results.runs.back());
    }
    if (k + 1 == sweep.points.size()) break;
    // Saturation is a property of rising load; a swept parameter's points
    // are different questions, each measured.
    if (!sweep.point_params.empty()) continue;
    // A strategy clearly past saturation skips the higher points.
    std::vector<const Strategy*> still;
    for (const auto* s : active) {
      std::vector<const RunResult*> runs;
      for (std::size_t index : history[s]) runs.push_back(&results.runs[index]);
      if (auto reason = past_saturation(runs, slo)) {
        results.early_stops.push_back({history[s].back(), *reason});
        const std::size_t left = sweep.points.size() - k - 1;
        if (callbacks.skipped)
          callbacks.skipped(results.early_stops.back(), left,
                            left * repetitions_per_run(sweep));
      } else {
        still.push_back(s);
      }
    }
    active = std::move(still);
  }
  if (slo && refine_runs(sweep) > 0 && !stopping())
    refine_knees(sweep, *slo, results, history, callbacks);
  if (sweep.axes.size() == 2 && sweep.settings.map_rounds > 0 && !stopping())
    refine_map(sweep, slo, point_runs, results, callbacks, stopping);
  if (sweep.axes.size() == 2 && sweep.settings.refine > 0 && !stopping())
    refine_borders(sweep, slo, point_runs, results, callbacks, stopping);
}

}  // namespace

std::size_t Plan::run_count() const {
  std::size_t n = 0;
  for (const auto& sweep : sweeps)
    n += (sweep.points.size() + refine_runs(sweep)) * sweep.strategies.size();
  return n;
}

std::size_t Plan::repetition_count() const {
  std::size_t n = 0;
  for (const auto& sweep : sweeps)
    n += (sweep.points.size() + refine_runs(sweep)) * sweep.strategies.size() *
             repetitions_per_run(sweep) +
         map_extra_repetitions(sweep);
  return n;
}

RunRequest make_request(const Sweep& sweep, const Strategy& strategy,
                        const Load& load, const std::optional<Slo>& slo) {
  RunRequest r;
  r.workload = sweep.workload;
  r.strategy = &strategy;
  r.params = sweep.params;
  r.load = load;
  // A --threads sweep sets each point's threads; otherwise the settings do.
  if (r.load.threads == 0) r.load.threads = sweep.settings.threads;
  r.repetitions = sweep.settings.repetitions;
  r.warmup = sweep.settings.warmup;
  r.seed = sweep.settings.seed;
  if (slo) r.extra_percentiles.push_back(slo->percentile);
  r.swept = sweep.points.size() > 1;
  return r;
}

RunRequest make_request(const Sweep& sweep, const Strategy& strategy,
                        std::size_t k, const std::optional<Slo>& slo) {
  RunRequest r = make_request(sweep, strategy, sweep.points.at(k), slo);
  if (!sweep.point_params.empty()) {
    for (const auto& [name, value] : sweep.point_params.at(k))
      r.params.set(name, value);
    r.sweep_axes = sweep.axes;
  }
  return r;
}

void run_plan(const Plan& plan, Results& results,
              const PlanCallbacks& callbacks) {
  results.slo = plan.slo;
  // Calibrate busy work now, before any run's threads exist: a oneTBB
  // worker still spinning on the other core would slow the timing.
  busy_iterations_per_second();
  const auto stopping = [&] {
    return callbacks.stop.stop_requested() ||
           (callbacks.stop_requested && callbacks.stop_requested());
  };
  if (plan.start_at_unix_s) {
    // By this process's wall clock (its offset included): a host whose
    // clock is ahead starts earlier in real time, as it would.
    // In short naps, so a stop request is still answered while waiting.
    for (double left = *plan.start_at_unix_s - wall_clock_unix_s(); left > 0;
         left = *plan.start_at_unix_s - wall_clock_unix_s()) {
      if (stopping()) return;
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::duration<double>(left)),
          std::chrono::milliseconds(50)));
    }
  }
  for (const auto& sweep : plan.sweeps) {
    if (stopping()) break;
    run_sweep(sweep, plan.slo, results, callbacks);
  }
  if (stopping()) results.interrupted = true;
}

Results run_plan(const Plan& plan, const PlanCallbacks& callbacks) {
  Results results;
  results.context = current_context("");
  run_plan(plan, results, callbacks);
  return results;
}

}  // namespace apb
