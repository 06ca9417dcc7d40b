#include "apbench/runner.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "apbench/batch.hpp"
#include "apbench/diagnostics.hpp"
#include "apbench/error.hpp"
#include "apbench/run_failure.hpp"
#include "apbench/schedule.hpp"
#include "engine/stage_stats.hpp"
#include "engine/system_metrics.hpp"
#include "engine/wall_clock.hpp"
#include "results/repetition_summary.hpp"

namespace apb {
namespace {

using clock = std::chrono::steady_clock;

struct MeasuredRepetition {
  Repetition rep;
  Histogram latency;
  Histogram service;
  Histogram loop_lag;
  std::map<std::string, std::uint64_t> error_messages;
  std::map<std::string, std::uint64_t> errors_by_cause;
  bool partial = false;  // cut short by a stop request
};

MeasuredRepetition run_once(const RunRequest& req, const WorkloadInfo& info,
                            Workload& workload,
                            const RunFailure& workload_failure,
                            std::size_t concurrency, unsigned cores,
                            const std::vector<std::int64_t>& schedule,
                            const std::vector<Stage>& stages,
                            StageTotals* stage_totals) {
  const auto recording = req.strategy->recording(req.load);
  Batch batch(req.load.ops, concurrency, req.load.threads, req.seed,
              std::max(1u, recording.slots), recording.shared);
  if (req.load.open()) batch.set_schedule(schedule, req.load.max_in_flight);
  batch.set_shard(req.load.shard, req.load.shards);
  // Stage stamps cost 8 bytes each; past 16 M of them, skip the breakdown.
  const bool time_stages =
      stage_totals && !stages.empty() &&
      req.load.ops * (1 + 2 * stages.size()) <= (std::size_t{1} << 24);
  if (time_stages) batch.enable_stage_timing(stages.size());
  // A stop request or a failure the workload reports ends the repetition
  // alike (ops abandoned, strategies winding down); which one it was is
  // told apart below.
  std::stop_source cut;
  const auto cut_short = [&cut] { cut.request_stop(); };
  const std::stop_callback on_stop(req.stop, cut_short);
  const std::stop_callback on_failure(workload_failure.stop_token(), cut_short);
  batch.set_stop_token(cut.get_token());

  reset_peak_rss();
  ThreadCountMonitor threads(std::chrono::milliseconds(10));
  const ResourceUsage before = resource_usage();
  const auto start = clock::now();
  const double start_unix_s = wall_clock_unix_s();
  batch.start();
  std::string failure;
  try {
    req.strategy->execute(info, workload, batch);
  } catch (const std::bad_alloc&) {
    failure = "out of memory";
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  const auto stop = clock::now();
  threads.stop();
  const ResourceUsage used = resource_usage() - before - threads.own_usage();

  MeasuredRepetition out;
  const WorkerRecord merged = batch.merged();
  Repetition& rep = out.rep;
  rep.wall_s = std::chrono::duration<double>(stop - start).count();
  rep.start_unix_s = start_unix_s;
  rep.cpu_user_s = used.user_s;
  rep.cpu_system_s = used.system_s;
  // At most all cores: CPU time is accounted in scheduler ticks (and
  // threads that ended count whole), so a repetition of a few ms can show
  // more CPU than its wall time allowed; cpu_time_s keeps the raw figure.
  rep.cpu_utilization =
      rep.wall_s > 0
          ? std::min(1.0, (used.user_s + used.system_s) / (rep.wall_s * cores))
          : 0;
  rep.voluntary_switches = used.voluntary_switches;
  rep.involuntary_switches = used.involuntary_switches;
  rep.ops_ok = merged.ok;
  rep.errors = batch.errors();
  rep.checksum = merged.digest;
  rep.peak_rss_bytes = peak_rss_bytes();
  rep.dropped = batch.dropped();
  rep.peak_threads = threads.peak_threads();
  // Little's law: total time ops spent in service / wall = ops in flight.
  const Histogram& service = batch.open() ? merged.service : merged.latency;
  rep.achieved_concurrency =
      rep.wall_s > 0 ? service.mean() * 1e-9 *
                           static_cast<double>(service.count()) / rep.wall_s
                     : 0;
  out.latency = merged.latency;
  out.service = merged.service;
  out.loop_lag = batch.loop_lag();
  if (time_stages) stage_totals->add(stages, batch.stage_rows(), rep.wall_s);
  out.error_messages = batch.error_messages();
  out.errors_by_cause = batch.errors_by_cause();
  // The workload cannot go on (e.g. its server stopped accepting): the run
  // fails with its reason, whatever the ops did meanwhile.
  if (auto reason = workload_failure.reason())
    throw std::runtime_error(*reason);
  // A stopped repetition did not run all its ops; what a strategy threw
  // while being stopped is not a failure of the run either.
  out.partial = batch.stop_requested();
  if (out.partial) return out;

  if (!failure.empty()) throw std::runtime_error(failure);
  // Every op exactly once: a strategy that lost or repeated ops is broken.
  if (rep.ops_ok + rep.errors + rep.dropped != req.load.ops)
    throw std::runtime_error(
        "strategy completed " +
        std::to_string(rep.ops_ok + rep.errors + rep.dropped) + " of " +
        std::to_string(req.load.ops) + " ops");
  return out;
}

// The one summary of repetitions (results/repetition_summary.hpp), merge's
// too, then what only a measured run has: its event-loop lag, whether its
// repetitions' digests agree, and its diagnoses.
void summarize_measured(RunResult& result, const Histogram& latency,
                        const Histogram& service, const Histogram& loop_lag,
                        const std::vector<double>& extra_percentiles) {
  summarize_repetitions(result);
  summarize_latency(result, latency, service,
                    spectrum_percentiles(extra_percentiles));
  if (loop_lag.count() > 0) result.loop_lag_s = latency_summary(loop_lag);
  const auto& reps = result.repetitions;
  // A failed or dropped op adds no digest: the sums then cover different
  // ops, so they are neither a checksum nor a disagreement.
  if (!reps.empty() && result.errors == 0 && result.dropped == 0) {
    const bool agree = std::all_of(reps.begin(), reps.end(), [&](auto& r) {
      return r.checksum == reps.front().checksum;
    });
    result.checksum_mismatch = !agree;
    if (agree && reps.front().checksum != 0)
      result.checksum = reps.front().checksum;
  }
  result.diagnoses = diagnose(result);
}

}  // namespace

unsigned hardware_threads() {
  // The CPUs this process may use (--cpus, taskset, a container's cpuset),
  // not all the machine has: threads beyond them would only take turns.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// The state of one request being measured (Measurement's implementation).
class Measurement::State {
 public:
  explicit State(const RunRequest& request) : req_(request) {
    if (req_.load.threads == 0) req_.load.threads = cores_;
    const WorkloadInfo& info = req_.workload->info;
    result_.workload = info.name;
    result_.kind = info.kind;
    result_.strategy = std::string(req_.strategy->name());
    result_.workload_optimized = req_.workload->optimized;
    result_.strategy_traits = req_.strategy->traits();
    result_.params = req_.params.values();
    result_.swept = req_.swept;
    result_.sweep_axes = req_.sweep_axes;
    result_.border_probe = req_.border_probe;
    if (req_.load.open()) {
      // One schedule for every repetition (and, through the seed, for
      // every strategy): they all face the same arrivals.
      schedule_ = arrival_schedule(req_.load.arrival, req_.load.rate,
                                   req_.load.duration_s, req_.seed);
      if (req_.load.shards > 1)
        schedule_ =
            shard_schedule(schedule_, req_.load.shard, req_.load.shards);
      req_.load.ops = schedule_.size();
    } else if (req_.load.shards > 1) {
      req_.load.ops =
          shard_ops(req_.load.ops, req_.load.shard, req_.load.shards);
    }
    // As requested: a workload's own limit below changes only what the
    // strategy runs, not which runs compare.
    result_.load = req_.load;
    result_.concurrency = req_.strategy->effective_concurrency(req_.load);
    result_.compute_threads = req_.strategy->compute_threads(req_.load);
    // (recomputed after setup when the workload limits ops in flight)
    result_.cores = cores_;
    result_.seed = req_.seed;
    result_.warmup = req_.warmup;

    if (auto reason = req_.strategy->unsupported_reason(info)) {
      result_.status = RunStatus::not_applicable;
      result_.reason = *reason;
      return;
    }
    // A shard of fewer ops than shards (or of an open loop's arrivals)
    // may get none: nothing to set up or execute (a strategy waiting for
    // its first op would wait forever). Its repetitions are empty, ok, so
    // it still merges with the other shards.
    if (req_.load.ops == 0) {
      result_.reason = "no ops in this shard";
      no_ops_ = true;
      return;
    }
    workload_ = req_.workload->make();
    info_ = info;
    if (const auto allowed = workload_->forms_allowed(req_.params)) {
      info_.forms &= allowed->forms;
      if (req_.strategy->unsupported_reason(info_)) {
        result_.status = RunStatus::not_applicable;
        result_.reason = allowed->reason;
        return;
      }
    }
    try {
      workload_->setup(setup());  // a UsageError propagates: bad input
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception& e) {
      result_.status = RunStatus::failed;
      result_.reason = std::string("setup failed: ") + e.what();
      return;
    }
    set_up_ = true;
    if (const auto limit = workload_->concurrency_limit(setup());
        limit && *limit < req_.load.requested_concurrency()) {
      req_.load.concurrency = std::max<std::size_t>(*limit, 1);
      result_.concurrency = req_.strategy->effective_concurrency(req_.load);
    }
    // The ideal is a closed-loop bound (all ops as fast as possible); an
    // open loop's wall time is set by its schedule instead.
    if (!req_.load.open()) result_.ideal_s = workload_->ideal_seconds(setup());
    result_.notes = workload_->notes();
    profile_ = workload_->fork_join_profile();
    if (const auto* pipeline =
            dynamic_cast<const PipelineBase*>(workload_.get()))
      stages_ = pipeline->stages();
  }

  ~State() { tear_down(); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const RunRequest& request() const { return req_; }
  const RunResult& result() const { return result_; }
  bool measuring() const {
    return (set_up_ || no_ops_) && result_.status == RunStatus::ok &&
           !stopped_ && !failure_->failed();
  }
  void mark_stopped() { stopped_ = true; }

  // Repetition `index` (the first req.warmup ones are not recorded).
  const Repetition* repetition(unsigned index) {
    if (!measuring()) {
      fail_if_workload_failed();
      return nullptr;
    }
    if (no_ops_) {
      if (index < req_.warmup) return nullptr;
      MeasuredRepetition m;
      m.rep.start_unix_s = wall_clock_unix_s();
      add(m);
      return &result_.repetitions.back();
    }
    try {
      MeasuredRepetition m = run_once(
          req_, info_, *workload_, *failure_, result_.concurrency, cores_,
          schedule_, stages_, index < req_.warmup ? nullptr : &stage_totals_);
      if (m.partial) {
        stopped_ = true;
        // Only a run with nothing else to show keeps its cut repetition.
        if (index >= req_.warmup && result_.repetitions.empty() &&
            m.rep.ops_ok + m.rep.errors > 0)
          partial_ = std::move(m);
        return nullptr;
      }
      if (index < req_.warmup) return nullptr;
      add(m);
      return &result_.repetitions.back();
    } catch (const std::exception& e) {
      result_.status = RunStatus::failed;
      result_.reason = e.what();
      return nullptr;
    }
  }

  RunResult finish() {
    if (set_up_) {
      try {
        result_.counters = workload_->counters();
      } catch (const std::exception&) {  // counts are extras, never fatal
      }
    }
    tear_down();
    fail_if_workload_failed();
    result_.repetitions_requested = req_.repetitions;
    if (result_.status == RunStatus::ok) {
      if (stopped_ || req_.stop.stop_requested())
        result_.interrupted = result_.repetitions.size() < req_.repetitions;
      if (result_.repetitions.empty()) {
        result_.status = RunStatus::interrupted;
        result_.interrupted = true;
        result_.reason = "stopped before its first measured repetition";
        if (partial_) {
          add(*partial_);
          result_.reason =
              "stopped during its first measured repetition: the numbers "
              "are of that repetition, cut short";
        }
      }
    }
    if (result_.status != RunStatus::not_applicable)
      summarize_measured(result_, latency_, service_, loop_lag_,
                         req_.extra_percentiles);
    if (partial_ && result_.status == RunStatus::interrupted) {
      // The schedule was cut short too: the rate is over the time it ran.
      const Repetition& r = result_.repetitions.front();
      const std::vector<double> rate = {
          r.wall_s > 0 ? static_cast<double>(r.ops_ok) / r.wall_s : 0.0};
      result_.throughput_ops_s = summarize(rate);
    }
    if (result_.status == RunStatus::ok) fail_if_nothing_succeeded();
    // No op, no digest: a sum of none, so merged shards keep their checksum.
    if (no_ops_ && result_.status == RunStatus::ok) result_.checksum = 0;
    if (stage_totals_.ops > 0) {
      result_.stages = stage_totals_.results(stages_);
      result_.stage_overlap = stage_totals_.overlap();
    }
    if (profile_) {
      result_.fork_join = fork_join_cost();
      // A closed loop only: an open loop's wall time is its schedule's.
      result_.fork_join->overhead_per_task_s = overhead_per_task(result_);
    }
    return std::move(result_);
  }

 private:
  void add(const MeasuredRepetition& m) {
    result_.repetitions.push_back(m.rep);
    latency_.merge(m.latency);
    service_.merge(m.service);
    loop_lag_.merge(m.loop_lag);
    for (const auto& [message, count] : m.error_messages)
      result_.error_messages[message] += count;
    for (const auto& [cause, count] : m.errors_by_cause)
      result_.errors_by_cause[cause] += count;
  }

  // A failure the workload reported (RunFailure) fails a run still ok.
  void fail_if_workload_failed() {
    if (result_.status != RunStatus::ok) return;
    if (auto reason = failure_->reason()) {
      result_.status = RunStatus::failed;
      result_.reason = std::move(*reason);
    }
  }

  // A run in which no op succeeded measured nothing worth comparing (a
  // server that is not there fails every op in no time): it fails, so it
  // is never ranked, advised or a baseline.
  void fail_if_nothing_succeeded() {
    std::uint64_t ok = 0;
    for (const auto& r : result_.repetitions) ok += r.ops_ok;
    if (ok > 0 || result_.repetitions.empty() || no_ops_) return;
    result_.status = RunStatus::failed;
    if (result_.errors == 0) {
      result_.reason =
          fmt::format("no op completed ({} dropped)", result_.dropped);
      return;
    }
    const auto most = [](const auto& a, const auto& b) {
      return a.second < b.second;
    };
    const auto top = std::max_element(result_.errors_by_cause.begin(),
                                      result_.errors_by_cause.end(), most);
    const auto message = std::max_element(result_.error_messages.begin(),
                                          result_.error_messages.end(), most);
    result_.reason = fmt::format(
        "every op failed ({} errors{}{})", result_.errors,
        top == result_.errors_by_cause.end() ? "" : ", mostly " + top->first,
        message == result_.error_messages.end() ? "" : ": " + message->first);
  }

  RunSetup setup() const {
    return {req_.params, req_.load.ops,     req_.load.requested_concurrency(),
            cores_,      req_.load.threads, req_.seed,
            failure_};
  }
  ForkJoinCost fork_join_cost() const {
    ForkJoinCost cost;
    cost.tasks_per_op = profile_->tasks;
    cost.leaves_per_op = profile_->leaves;
    cost.serial_s = profile_->serial_s;
    cost.critical_path_s = profile_->critical_path_s;
    cost.threads = std::max(
        1u, std::min(req_.strategy->compute_threads(req_.load), cores_));
    return cost;
  }
  void tear_down() {
    if (!set_up_) return;
    set_up_ = false;
    try {
      workload_->teardown();
    } catch (...) {  // a failing teardown must not hide the run's result
    }
  }

  RunRequest req_;
  unsigned cores_ = hardware_threads();
  RunResult result_;
  // Shared with the workload's threads (its server), which may outlive it.
  std::shared_ptr<RunFailure> failure_ = std::make_shared<RunFailure>();
  std::unique_ptr<Workload> workload_;
  WorkloadInfo info_;  // the workload's, with the forms its parameters leave
  bool set_up_ = false;
  bool no_ops_ = false;  // a shard that got no ops of the load
  Histogram latency_;
  Histogram service_;
  Histogram loop_lag_;
  std::vector<std::int64_t> schedule_;
  std::optional<ForkJoinProfile> profile_;  // fork-join workloads
  std::vector<Stage> stages_;               // pipelines
  StageTotals stage_totals_;                // open loop
  bool stopped_ = false;                    // a stop request cut the run short
  std::optional<MeasuredRepetition> partial_;  // first measured one, cut
};

Measurement::Measurement(const RunRequest& request)
    : state_(std::make_unique<State>(request)) {}
Measurement::~Measurement() = default;
const RunRequest& Measurement::request() const { return state_->request(); }
unsigned Measurement::total() const {
  return state_->request().warmup + state_->request().repetitions;
}
bool Measurement::measuring() const { return state_->measuring(); }
RunStatus Measurement::status() const { return state_->result().status; }
const std::string& Measurement::reason() const {
  return state_->result().reason;
}
const Repetition* Measurement::repetition(unsigned index) {
  return state_->repetition(index);
}
RunResult Measurement::finish() { return state_->finish(); }
void Measurement::mark_interrupted() { state_->mark_stopped(); }

std::vector<RunResult> run_group(const std::vector<RunRequest>& requests,
                                 const ProgressFn& progress,
                                 const StopFn& stop_requested,
                                 const RunDoneFn& done) {
  std::vector<std::unique_ptr<Measurement>> runs;
  for (const auto& r : requests)
    runs.push_back(std::make_unique<Measurement>(r));
  std::vector<std::optional<RunResult>> results(runs.size());
  // A run is finished as soon as it has nothing left to measure, so the
  // caller can keep it before the rest of the group is done.
  const auto finish = [&](std::size_t i) {
    results[i] = runs[i]->finish();
    if (done) done(i, *results[i]);
  };

  unsigned rounds = 0;
  for (const auto& m : runs) rounds = std::max(rounds, m->total());
  // Round-robin over the strategies, reversing the order every round: a
  // machine that drifts (thermal, noisy neighbours) then drifts under all of
  // them alike instead of favouring whichever ran last.
  // The StopFn is polled between rounds, the requests' stop tokens before
  // every repetition.
  const auto stop_token_set = [&] {
    return std::any_of(requests.begin(), requests.end(),
                       [](const auto& r) { return r.stop.stop_requested(); });
  };
  bool stopped = false;
  for (unsigned round = 0; round < rounds && !stopped; ++round) {
    stopped = stop_requested && stop_requested();
    for (std::size_t k = 0; k < runs.size() && !stopped; ++k) {
      const std::size_t i = round % 2 == 0 ? k : runs.size() - 1 - k;
      Measurement& m = *runs[i];
      if (results[i]) continue;
      if (m.measuring() && round < m.total()) {
        stopped = stop_token_set();
        if (stopped) break;
        if (progress) progress(m.request(), i, round, m.total());
        m.repetition(round);
      }
      if (!m.measuring() || round + 1 >= m.total()) finish(i);
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (results[i]) continue;
    if (stopped) runs[i]->mark_interrupted();
    finish(i);
  }
  std::vector<RunResult> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

RunResult run(const RunRequest& request, const ProgressFn& progress) {
  return run_group({request}, progress).front();
}

}  // namespace apb
