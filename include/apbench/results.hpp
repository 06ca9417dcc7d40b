#pragma once
// What a run measured, as reporters and the JSON schema see it. All times
// are in seconds.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/histogram.hpp"
#include "apbench/load.hpp"
#include "apbench/stats.hpp"
#include "apbench/strategy_traits.hpp"
#include "apbench/workload_kind.hpp"

namespace apb {

// ok: measured (possibly with some failed ops); failed: the strategy failed,
// or no op succeeded; interrupted: stopped (Ctrl-C) before a first whole
// measured repetition, so there is nothing comparable (a run stopped later
// stays ok with fewer repetitions and RunResult::interrupted set).
enum class RunStatus { ok, not_applicable, failed, interrupted };
// "ok", "n/a", "failed", "interrupted"
std::string_view to_string(RunStatus status);

struct LatencySummary {
  std::uint64_t count = 0;  // successful ops recorded, all repetitions
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

// The summary of a latency histogram (nanoseconds) in seconds: what the
// runner records and what merge recomputes from merged buckets.
LatencySummary latency_summary(const Histogram& histogram);

// One measured repetition.
struct Repetition {
  double wall_s = 0;
  // When it started, seconds since the Unix epoch (system clock): shards'
  // repetitions line up by it when they are merged.
  double start_unix_s = 0;
  double cpu_user_s = 0;
  double cpu_system_s = 0;
  double cpu_utilization = 0;  // (user + system) / (wall * cores)
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;
  std::uint64_t ops_ok = 0;
  std::uint64_t errors = 0;
  std::uint64_t checksum = 0;        // sum of the ops' digests
  std::uint64_t peak_rss_bytes = 0;  // process peak during the repetition
  std::uint64_t dropped = 0;         // open loop: ops over max_in_flight
  unsigned peak_threads = 0;         // threads of the process, at most
  // Mean ops in flight: total op service time / wall (Little's law).
  double achieved_concurrency = 0;
  // Which of the run's processes measured it (apbench --forks), from 0.
  unsigned process = 0;
};

// Pipelines: where an op's time went, per stage (means per op).
struct StageResult {
  std::string name;
  std::string kind;    // "io", "cpu" or "cpu_whole" (unsplittable)
  double time_s = 0;   // in the stage
  double queue_s = 0;  // waiting before it (for a lane, a filter, a thread)
};
// Shares of the wall time: some CPU stage running, some I/O stage waiting,
// and both at once (the overlap a pipeline exists for).
struct StageOverlap {
  double cpu_busy = 0, io_wait = 0, both = 0;
};

// Fork-join runs: one op's tree (counted and timed once at set-up) and what
// a task cost under this strategy.
struct ForkJoinCost {
  std::uint64_t tasks_per_op = 0;   // children forked in one op's tree
  std::uint64_t leaves_per_op = 0;  // nodes solved by the serial code
  double serial_s = 0;              // one op by the plain serial code
  double critical_path_s = 0;       // one op's longest chain of work
  unsigned threads = 0;  // threads the strategy computes on (<= cores)
  // (median wall x threads - ops x serial_s) / (ops x tasks_per_op): the
  // time each task added (spawn, join, idling); a node's own work (split,
  // combine) is in serial_s, never here. Null without tasks.
  std::optional<double> overhead_per_task_s;
};

// A pathology the numbers of a run show, with the evidence in `message`.
// kind: "loop_lag" (CPU work delays the event loop), "starvation" (blocking
// ops hold a pool's workers: fewer ops in flight than requested, CPU idle),
// "blocked_workers" (a pool's threads hold ops but mostly wait),
// "oversubscription" (far more threads than cores).
struct Diagnosis {
  std::string kind;
  std::string message;
};

// A point of the latency distribution: percentile (0..100), seconds.
struct SpectrumPoint {
  double percentile = 0;
  double latency_s = 0;
};

struct RunResult {
  std::string workload;
  WorkloadKind kind = WorkloadKind::io;
  // The workload's code was compiled with optimisation (registry.hpp).
  bool workload_optimized = true;
  std::string strategy;
  StrategyTraits strategy_traits;  // what the strategy declares of itself
  RunStatus status = RunStatus::ok;
  std::string reason;  // why n/a, failed or interrupted; empty when ok
  // Stopped early (Ctrl-C): fewer repetitions than requested were measured;
  // with status interrupted, `repetitions` may hold the one repetition cut
  // short, not comparable with whole ones.
  bool interrupted = false;
  unsigned repetitions_requested = 0;  // measured ones asked for

  std::vector<std::pair<std::string, std::string>> params;  // name, value
  // The load as run: threads resolved (never 0 once measured), ops per
  // repetition (an open loop's from its schedule), concurrency as requested
  // (load.requested_concurrency() is what it came to). Which runs compare
  // is decided by comparison_key() (comparison_key.hpp), not field by field.
  Load load;
  std::size_t concurrency = 0;   // ops in flight this strategy allowed
  unsigned compute_threads = 0;  // threads its CPU work runs on (seq.: 1)
  bool swept = false;            // one point of a --rate or --concurrency sweep
  // A parameter sweep's axes (Sweep::axes in plan.hpp): the swept
  // parameters' names, then "concurrency" when swept with them; empty when
  // no parameter was swept. Two axes: the run is a cell of a regime map.
  std::vector<std::string> sweep_axes;
  // A probe of --refine between two neighbouring cells of a regime map with
  // different winners: off the map's grid, it places the crossover
  // (MapBorder) and is in no cell.
  bool border_probe = false;
  unsigned cores = 0;
  std::uint64_t seed = 0;
  unsigned warmup = 0;

  std::vector<Repetition> repetitions;  // measured ones, not warm-up
  Summary wall_s;
  Summary throughput_ops_s;
  // Merged over all repetitions. Open loop: from each op's due time, so
  // time spent waiting for a free lane (or a stalled loop) counts.
  LatencySummary latency_s;
  // Open loop: from each op's actual start (what a closed loop reports).
  std::optional<LatencySummary> service_time_s;
  std::vector<SpectrumPoint> latency_spectrum;  // of latency_s
  // The distributions themselves, all repetitions, in nanoseconds: what
  // merging shards adds bucket by bucket (percentiles never average).
  std::optional<HistogramData> latency_histogram;
  std::optional<HistogramData> service_time_histogram;  // open loop
  // `apbench merge --by host`: the host this run was measured on (its
  // cores are that host's, context.shards[] keeps them).
  std::string host;
  double cpu_time_s = 0;          // median over repetitions, user + system
  double cpu_utilization = 0;     // median over repetitions, 0..1 of all cores
  double voluntary_switches = 0;  // median per repetition
  double involuntary_switches = 0;   // median per repetition
  std::uint64_t peak_rss_bytes = 0;  // max over repetitions (VmHWM)
  unsigned peak_threads = 0;         // max over repetitions
  double achieved_concurrency = 0;   // median over repetitions
  // Heartbeat lateness on the event loop (strategies with one).
  std::optional<LatencySummary> loop_lag_s;
  std::vector<Diagnosis> diagnoses;
  std::vector<StageResult> stages;  // pipelines only
  std::optional<StageOverlap> stage_overlap;
  std::optional<ForkJoinCost> fork_join;  // fork-join workloads only

  std::uint64_t errors = 0;   // failed ops, all repetitions
  std::uint64_t dropped = 0;  // open loop: dropped ops, all repetitions
  std::map<std::string, std::uint64_t> error_messages;   // message -> count
  std::map<std::string, std::uint64_t> errors_by_cause;  // see op_error.hpp
  std::optional<std::uint64_t> checksum;  // when every repetition agreed
  bool checksum_mismatch = false;         // repetitions disagreed

  std::optional<double> ideal_s;
  std::optional<double> efficiency;  // ideal / median wall
  // Sequential's goodput_wall_s / this run's (= the ratio of median walls
  // when no op failed).
  std::optional<double> speedup_vs_sequential;
  std::vector<std::pair<std::string, std::string>> notes;  // from workload
  // Counts the workload reports (Workload::counters), e.g.
  // "server_accept_errors": accepts its in-process server retried.
  std::map<std::string, std::uint64_t> counters;
};

// How quiet the machine was, read from the system before the runs (and
// again after a noisy run group). Each reading is empty (nullopt, "") where
// the system does not expose it.
struct MachineNoise {
  std::optional<double> load_average;  // 1-minute load average
  // Shares of all CPUs' time over a short window while apbench slept:
  // busy with other processes, and stolen by the hypervisor for others.
  std::optional<double> cpu_busy;
  std::optional<double> cpu_steal;
  // Runnable threads besides apbench's (/proc/stat procs_running).
  std::optional<unsigned> other_runnable;
  std::string virtualization;  // "KVM", "hypervisor", ...; "" = none seen
  std::string governor;        // CPU frequency governor of cpu0
  std::optional<bool> turbo;   // turbo/boost enabled
};

// One shard's file of a merged result (apbench merge).
struct ShardRecord {
  std::string file;  // as given to merge
  std::string host;
  std::string date;
  unsigned index = 0;  // --shard I/N (0 and 1 for --by host)
  unsigned count = 1;
  unsigned cores = 0;       // its context.cores: the machine it ran on
  double start_unix_s = 0;  // its first measured repetition's start
  double end_unix_s = 0;    // its last measured repetition's end
};

struct RunContext {
  std::string apbench_version;
  std::string date;  // ISO 8601, UTC
  std::string host;
  unsigned cores = 0;
  std::string cpu_model;
  std::string os;
  std::string compiler;
  std::string build_type;
  bool optimized = true;  // apbench itself was compiled with optimisation
  std::map<std::string, std::string> libraries;  // "boost" -> "1.81.0"
  std::string command_line;
  // Fresh processes the repetitions were measured in (--forks); 1: this one.
  unsigned processes = 1;
  std::string cpus;  // the CPUs apbench may run on, "0-1" (--cpus, taskset)
  MachineNoise noise;
  // A merged file: the files it came from; "shard" (a load split over
  // processes) or "host" (apbench merge --by host); empty otherwise.
  std::string merged_by;
  std::vector<ShardRecord> shards;
};

// Ops of the run that succeeded, all measured repetitions.
std::uint64_t ops_succeeded(const RunResult& run);

// The share of the run's finished ops that failed: errors / (successful +
// failed ops), all measured repetitions; 0 when no op finished. Dropped ops
// (open loop) never started and are not counted.
double error_rate(const RunResult& run);

// The cause most of the run's failed ops had ("timeout"), or "" when no
// error has a cause.
std::string main_error_cause(const RunResult& run);

// A run that failed more than this share of its ops (error_rate) ranks
// after every run of its comparison group that stayed within it: it is
// neither marked fastest nor advised while such a run exists.
inline constexpr double kErrorRateLimit = 0.01;

// The runs that compete for fastest: those within kErrorRateLimit, or all
// of them when none is; in their order.
std::vector<const RunResult*> contenders(
    const std::vector<const RunResult*>& runs);

// Per measured repetition, its wall time times finished ops / successful
// ops: how long it would have taken, at its goodput (successful ops per
// second), to complete every op; the wall time itself when no op failed.
// A repetition in which no op succeeded has no goodput and is left out.
std::vector<double> goodput_wall_samples(const RunResult& run);

// Per measured repetition, its successful ops per second. An open loop's
// ops arrive over its whole schedule: when the last one finishes early, the
// rate is still per schedule length (duration_s), never faster than offered.
std::vector<double> throughput_samples(const RunResult& run);

// The median of goodput_wall_samples (in a closed loop, ops / the median
// throughput): the median wall time itself when no op failed, 0 when no op
// succeeded. Speed-ups, the fastest mark and the advisor rank closed-loop
// runs by it, so a run that fails fast is not counted as fast.
double goodput_wall_s(const RunResult& run);

// The latency at percentile p from the run's spectrum (which holds the
// standard percentiles and any the request asked for), or nullopt.
std::optional<double> latency_at(const RunResult& run, double percentile);

// A checksum (RunResult::checksum) as the results file and every report
// spell it: "0x" and 16 hex digits.
std::string checksum_text(std::uint64_t checksum);

// "p99=50ms": the latency at `percentile` must not exceed `limit_s`.
struct Slo {
  double percentile = 99;
  double limit_s = 0;
};
std::string slo_text(const Slo& slo);  // "p99 <= 50 ms"

// Latency versus throughput: the runs of one (workload, parameters,
// strategy) at several offered rates (open loop) or concurrencies (closed
// loop). See series.hpp.
struct SeriesPoint {
  std::size_t run_index = 0;                 // into Results::runs
  std::optional<double> offered_rate_ops_s;  // open loop
  std::optional<std::size_t> concurrency;    // closed loop
  std::optional<unsigned> threads;           // a --threads sweep
  // A parameter sweep (Series::x "parameter"): the value as set ("5ms"),
  // and as a number in the parameter's unit (Series::parameter_unit).
  std::optional<std::string> parameter_value;
  std::optional<double> parameter_number;
  std::optional<double> ideal_s;  // the run's ideal (RunResult::ideal_s)
  double throughput_ops_s = 0;    // achieved (median)
  // A --threads sweep: wall at the series' fewest threads / this wall
  // (strong scaling), and the most it could be: threads / fewest threads,
  // counting at most the cores.
  std::optional<double> speedup;
  std::optional<double> ideal_speedup;
  LatencySummary latency_s;
  std::optional<LatencySummary> service_time_s;
  std::uint64_t dropped = 0;
  std::uint64_t errors = 0;
  std::optional<double> slo_latency_s;  // latency at the SLO's percentile
  std::optional<bool> meets_slo;        // with an SLO only
};

struct Knee {
  double throughput_ops_s = 0;
  std::optional<double> offered_rate_ops_s;
  std::optional<std::size_t> concurrency;
  double latency_s = 0;  // at the SLO's percentile
  double percentile = 0;
};

// Amdahl's law fitted to a --threads sweep: speed-up(r) = 1 / (s + (1 - s)
// / r) at r times the fewest threads, by least squares on every
// repetition of the points up to the cores.
struct AmdahlFit {
  double serial_fraction = 0;  // s, 0..1
  double ci95_low = 0, ci95_high = 0;
  std::size_t samples = 0;  // repetitions the fit used
};

struct Series {
  std::string workload;
  std::string strategy;
  // The run's parameters; a parameter series leaves out the swept one.
  std::vector<std::pair<std::string, std::string>> params;
  // "offered_rate", "concurrency", "threads" or "parameter" (a --set sweep
  // of the parameter named `parameter`, whose numbers are in
  // `parameter_unit`: "s", "B" or "" for a plain number).
  std::string x;
  std::string parameter, parameter_unit;
  std::vector<SeriesPoint> points;  // ascending x
  std::optional<Knee> knee;         // with an SLO, when a point meets it
  std::optional<AmdahlFit> amdahl;  // threads series of 2+ points
  double max_throughput_ops_s = 0;
  // Why the sweep stopped before its last point, or empty.
  std::string stopped_early;
};

// The advisor's verdict for one workload and load (see advisor.hpp).
struct Advice {
  std::size_t first_run = 0;  // index of the group's first run in `runs`
  std::string workload;
  std::string best;  // the strategy to use
  // The next fastest within the error limit (advisor.hpp), else the
  // fastest passed over; "" when alone.
  std::string runner_up;
  // Runner-up goodput_wall_s / best's (the ratio of median walls when no op
  // failed); below 1 when the runner-up was passed over for its errors.
  double ratio = 0;
  double ci95_low = 0, ci95_high = 0;
  bool significant = false;  // the interval excludes 1
  double error_rate = 0;     // of the advised run (error_rate())
  // Strategies faster than `best` not advised because they failed more
  // than the limit of their ops, fastest first.
  std::vector<std::string> passed_over;
  std::string reason;  // the evidence, one clause
  std::string text;    // the whole verdict, one sentence
};

// One cell of a regime map: the strategies measured at one pair of axis
// values, the fastest named, and whether it leads the runner-up
// significantly. See regime_map.hpp.
struct MapCell {
  std::size_t x = 0, y = 0;       // into RegimeMap::x_values, y_values
  std::vector<std::size_t> runs;  // its runs, into Results::runs
  // The fastest measured strategy by goodput (goodput_wall_s) among those
  // within the error limit, and the next; "" when fewer than two were
  // measured.
  std::string leader, runner_up;
  // Runner-up's goodput wall / the leader's (>= 1), and the 95 % interval
  // of that ratio (Welch's t on the logarithms, as the advice quotes).
  double speedup = 0;
  double ci95_low = 0, ci95_high = 0;
  // Two-sided Mann-Whitney U of the two strategies' repetitions (the test
  // `apbench compare` uses), and its Holm adjustment over the map's tested
  // cells; nullopt when the cell is not tested.
  std::optional<double> p_value, p_adjusted;
  // p_adjusted < alpha and speedup beyond 1 + threshold: the leader wins
  // the cell. Otherwise the cell is a tie.
  bool significant = false;
  std::size_t repetitions = 0;  // fewest measured among its strategies
  std::string note;             // why a tie, when it is one
};

// Two neighbouring cells (along `axis`, at the other axis's value `at`)
// with different verdicts: two winners, or a winner beside a tie. The
// verdict changes somewhere between their values `from` and `to`; --refine
// N probes between them (the two strategies `probed`, interleaved) and
// narrows that to [low, high], bisecting log-evenly as it does for knees.
// Between two winners, a probe where neither leads beyond the threshold
// ends the bisection: they are even there (`even`).
struct MapBorder {
  std::string axis;          // RegimeMap::x_axis or y_axis
  std::string at;            // the other axis's value
  std::string from, to;      // neighbouring grid values, ascending
  std::string below, above;  // verdicts at `from` and `to`: a winner or "tie"
  // The winners, or the one winner and its runner-up beside a tie.
  std::vector<std::string> probed;
  std::string low, high;  // the verdict changes in [low, high]
  bool even = false;      // a probe found the two winners even: low == high
  std::vector<std::size_t> probes;  // its probe runs, into Results::runs
};

struct RegimeMap {
  std::string workload;
  // The parameters every cell shares (the swept ones left out).
  std::vector<std::pair<std::string, std::string>> params;
  // The axes: swept parameters' names, or "concurrency"; the values of
  // each ascending, as set ("1ms") or the concurrency ("4").
  std::string x_axis, y_axis;
  std::vector<std::string> x_values, y_values;
  std::string x_unit, y_unit;           // "s", "B" or "" (parameter_number)
  std::vector<std::string> strategies;  // measured, in run order
  std::vector<MapCell> cells;           // row by row: y, then x
  double alpha = 0.05;                  // family-wise, over the cells
  double threshold = 0.05;              // a lead below it is a tie
  std::size_t tests = 0;                // cells tested: Holm's family
  // The simpler (StrategyTraits::simplicity) of leader and runner-up in
  // every tied cell, when that is one strategy; else "".
  std::string simplest_in_ties;
  // Where each strategy wins, in one sentence from the grid.
  std::string advice;
  // Neighbouring cells with different significant winners, along x then y.
  std::vector<MapBorder> borders;
};

// A strategy that left a sweep before its last point (see run_plan): the
// series holding run `last_run` stopped early, for `reason`.
struct EarlyStop {
  std::size_t last_run = 0;  // index into Results::runs
  std::string reason;
};

struct Results {
  static constexpr const char* schema = "apbench.results/1";
  RunContext context;
  std::vector<RunResult> runs;
  std::optional<Slo> slo;              // the --slo the knees were judged by
  std::vector<Series> series;          // latency vs throughput (see series.hpp)
  std::vector<EarlyStop> early_stops;  // sweeps cut short (input to analyse)
  std::vector<Advice> advice;          // which strategy to use, per group
  std::vector<RegimeMap> maps;         // two-axis sweeps (regime_map.hpp)
  std::vector<std::string> summary;    // plain-language findings
  // The plan was stopped before its end (Ctrl-C): runs and points after the
  // stop are missing, and runs cut short say so (RunResult::interrupted).
  bool interrupted = false;
};

}  // namespace apb
