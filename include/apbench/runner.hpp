#pragma once
// The runner: warm-up and repetitions of one (workload, strategy, params,
// load), measured into a RunResult.
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/registry.hpp"
#include "apbench/results.hpp"

namespace apb {

struct RunRequest {
  const WorkloadEntry* workload = nullptr;
  const Strategy* strategy = nullptr;
  Params params;
  Load load;  // threads == 0 means the hardware thread count
  unsigned repetitions = 3;
  unsigned warmup = 1;
  std::uint64_t seed = 1;
  // Percentiles the latency spectrum must include besides the standard
  // ones (e.g. an SLO's).
  std::vector<double> extra_percentiles;
  // Part of a sweep of several load points (its runs form a series).
  bool swept = false;
  // The axes of its sweep when a parameter is swept (Sweep::axes).
  std::vector<std::string> sweep_axes;
  // A regime map's border probe (RunResult::border_probe).
  bool border_probe = false;
  // Requesting a stop ends the repetition in progress within moments (ops
  // in flight are abandoned, not recorded) and the run keeps what it
  // measured (see RunResult::interrupted).
  std::stop_token stop;
};

// Called before each repetition: (request, its index in the group,
// repetition index counting warm-ups first, total repetitions including
// warm-ups).
using ProgressFn = std::function<void(const RunRequest&, std::size_t index,
                                      unsigned done, unsigned total)>;
// Polled between rounds of repetitions; true stops the group early (runs
// keep the repetitions measured so far). To stop within a repetition as
// well, use RunRequest::stop (PlanCallbacks::stop for run_plan).
using StopFn = std::function<bool()>;

// One request measured a repetition at a time, for a driver that owns the
// loop: run_group interleaves several; the Google Benchmark adapter
// (apbench/gbench.hpp) runs one per benchmark iteration, as many as Google
// Benchmark asks for. Construction sets the workload up once (a UsageError
// from its setup propagates; another failure, or a strategy that cannot run
// the workload, leaves status() failed or n/a with the reason); finish() or
// the destructor tears it down, so servers a workload started are stopped.
class Measurement {
 public:
  explicit Measurement(const RunRequest& request);
  ~Measurement();
  Measurement(const Measurement&) = delete;
  Measurement& operator=(const Measurement&) = delete;

  const RunRequest& request() const;  // threads resolved, ops as scheduled
  unsigned total() const;             // request's warm-ups + repetitions
  bool measuring() const;             // set up, and nothing failed yet
  RunStatus status() const;
  const std::string& reason() const;  // why n/a or failed

  // Runs repetition `index`: below request().warmup a warm-up, not recorded
  // (nullptr); otherwise the recorded repetition, or nullptr when it failed
  // (status() is then failed) or the run is not measuring.
  const Repetition* repetition(unsigned index);
  // Tears the workload down and summarizes the recorded repetitions; once.
  // A run with repetitions whose ops all failed finishes `failed`.
  RunResult finish();
  // The driver stopped early (a stop request between repetitions): no more
  // repetitions run, and finish() marks the result interrupted.
  void mark_interrupted();

 private:
  class State;
  std::unique_ptr<State> state_;
};

// Runs the request. An op that throws is counted as an error; a strategy
// that fails (e.g. no more threads), or a workload that reports it cannot go
// on (RunSetup::failure, run_failure.hpp: the repetition in progress stops
// at once), gives status `failed` with the reason;
// a strategy that cannot run the workload gives `n/a`. A UsageError from
// the workload's setup (a bad parameter value) propagates.
RunResult run(const RunRequest& request, const ProgressFn& progress = {});

// Called once per request of a group as soon as its run is done (its last
// repetition measured, or it failed, could not run, or was stopped), with
// its index in the group and its result, while the rest of the group may
// still be measuring: a caller writes each finished run at once.
using RunDoneFn = std::function<void(std::size_t index, const RunResult&)>;

// Runs several requests (typically the strategies of one workload and load)
// with their repetitions interleaved round-robin, so drift of a noisy
// machine affects them alike. Results are in the order of `requests`; each
// run is finished (torn down, summarized, given to `done`) as soon as its
// last repetition is measured.
std::vector<RunResult> run_group(const std::vector<RunRequest>& requests,
                                 const ProgressFn& progress = {},
                                 const StopFn& stop_requested = {},
                                 const RunDoneFn& done = {});

// Hardware threads this process may use (its CPU affinity: --cpus,
// taskset), at least 1.
unsigned hardware_threads();

}  // namespace apb
