// Fork-join ops: every built-in fork-join workload gives its known answer
// under every strategy, the tree is counted, `threads` bounds its threads,
// `parallel` spreads one op's tree over its threads, a wrong answer fails
// the op, and a --threads sweep makes a strong-scaling series. Nodes that
// combine: a value of the workload's own type, combined after the join and
// counted in the critical path; cpu.mergesort sorts under every strategy
// and its merges are not overhead.
#include "apbench/fork_join.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "analysis/amdahl.hpp"
#include "apbench/plan.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/seed.hpp"
#include "apbench/series.hpp"

namespace apb {
namespace {

RunResult run_fork_join(std::string_view workload, std::string_view strategy,
                        std::vector<std::pair<std::string, std::string>> set,
                        std::size_t ops = 2, unsigned threads = 2,
                        std::size_t concurrency = 0) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  for (const auto& [name, value] : set) r.params.set(name, value);
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.load.threads = threads;
  r.repetitions = 1;
  r.warmup = 0;
  return run(r);
}

const char* const kStrategies[] = {"sequential", "async",    "async-pool",
                                   "threads",    "parallel", "openmp",
                                   "hybrid"};

struct Case {
  const char* workload;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::uint64_t> answer;  // per op, when known here
};

TEST(ForkJoin, EveryWorkloadGivesTheKnownAnswerUnderEveryStrategy) {
  const std::vector<Case> cases = {
      {"cpu.fib", {{"n", "15"}, {"grain", "3"}}, 610},
      {"cpu.nqueens", {{"n", "6"}, {"grain", "2"}}, 4},
      {"cpu.skynet", {{"leaves", "1000"}, {"grain", "10"}}, 499500},
      {"cpu.matmul", {{"n", "17"}, {"grain", "4"}}, std::nullopt},
      {"cpu.invoke",
       {{"work", "2ms"}, {"batches", "3"}, {"skew", "3"}, {"grain", "16"}},
       std::nullopt},
      {"cpu.mergesort", {{"n", "5000"}, {"grain", "300"}}, std::nullopt}};
  for (const auto& c : cases) {
    std::optional<std::uint64_t> first;
    for (const char* strategy : kStrategies) {
      SCOPED_TRACE(std::string(c.workload) + " under " + strategy);
      const RunResult r = run_fork_join(c.workload, strategy, c.params);
      ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
      EXPECT_EQ(r.errors, 0u);
      ASSERT_TRUE(r.checksum.has_value());
      if (c.answer) {
        EXPECT_EQ(*r.checksum, 2 * *c.answer);
      }
      if (!first) first = r.checksum;
      EXPECT_EQ(r.checksum, first);  // every strategy, the same answer
      ASSERT_TRUE(r.fork_join.has_value());
      EXPECT_GT(r.fork_join->tasks_per_op, 0u);
      EXPECT_TRUE(r.fork_join->overhead_per_task_s.has_value());
    }
  }
}

TEST(ForkJoin, CountsTheTree) {
  // fib(10) forking every call: 2 fib(11) - 1 = 177 nodes, fib(11) = 89
  // leaves; every node but the root is a task.
  const RunResult r =
      run_fork_join("cpu.fib", "sequential", {{"n", "10"}, {"grain", "0"}});
  ASSERT_TRUE(r.fork_join.has_value());
  EXPECT_EQ(r.fork_join->tasks_per_op, 176u);
  EXPECT_EQ(r.fork_join->leaves_per_op, 89u);
  EXPECT_EQ(r.fork_join->threads, 1u);
  EXPECT_GT(r.fork_join->serial_s, 0);
  EXPECT_LE(r.fork_join->critical_path_s, r.fork_join->serial_s);
  // Skynet's ten equal subtrees: the critical path is one leaf of 100.
  const RunResult s = run_fork_join("cpu.skynet", "parallel",
                                    {{"leaves", "1000"}, {"grain", "100"}});
  ASSERT_TRUE(s.fork_join.has_value());
  EXPECT_EQ(s.fork_join->tasks_per_op, 10u);
  EXPECT_NEAR(s.fork_join->critical_path_s, s.fork_join->serial_s / 10,
              s.fork_join->serial_s * 1e-9);
}

TEST(ForkJoin, ThreadsOnADeepFibBoundsItsThreads) {
  // Forking every call of fib(22) (57 313 tasks): a thread per child only in
  // the top two levels, so the run neither hangs nor exhausts the machine.
  const RunResult r =
      run_fork_join("cpu.fib", "threads", {{"n", "22"}, {"grain", "0"}});
  if (r.status == RunStatus::failed) {
    EXPECT_FALSE(r.reason.empty());
  } else {
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_LE(r.peak_threads, 64u);
  }
  // Skynet's fan-out of 10 with 30 ops in flight needs 30 x 110 threads at
  // once: over the limit of 1000, the run fails and says why.
  const RunResult many = run_fork_join(
      "cpu.skynet", "threads", {{"leaves", "1000"}, {"grain", "10"}}, 30, 2);
  EXPECT_EQ(many.status, RunStatus::failed);
  EXPECT_NE(many.reason.find("threads alive at once"), std::string::npos)
      << many.reason;
}

// The threads that ran leaves of the current run.
struct LeafThreads {
  std::mutex mutex;
  std::set<std::thread::id> ids;
};
LeafThreads& leaf_threads() {
  static LeafThreads threads;
  return threads;
}

// 16 leaves of 5 ms each under a binary tree: an idle worker always finds
// one to take, so the count of threads is not luck. Its expected() is off
// by `wrong`, to see a wrong answer fail the op.
struct Range {
  int begin = 0, end = 16;
};
class SlowTreeWorkload final
    : public ForkJoinWorkload<SlowTreeWorkload, Range> {
 public:
  static WorkloadInfo info() {
    return {.name = "test.slow_tree",
            .kind = WorkloadKind::cpu,
            .description = "test: a binary tree over 16 leaves of 5 ms",
            .params = {{"wrong",
                        ParamType::integer,
                        "0",
                        "added to the expected answer",
                        {}}},
            .forms = form_fork_join,
            .default_ops = 1};
  }
  void setup(const RunSetup& run) override {
    wrong_ = static_cast<std::uint64_t>(run.params.integer("wrong"));
    profile(run, "test.slow_tree/tree");
  }
  Range root() const { return {}; }
  bool is_leaf(const Range& r) const { return r.end - r.begin == 1; }
  std::uint64_t solve(const Range& r) const {
    {
      std::lock_guard lock(leaf_threads().mutex);
      leaf_threads().ids.insert(std::this_thread::get_id());
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(2 * (r.end - r.begin)));
    return static_cast<std::uint64_t>(r.end - r.begin);
  }
  template <class Emit>
  void split(const Range& r, Emit&& emit) const {
    const int middle = (r.begin + r.end) / 2;
    emit(Range{r.begin, middle});
    emit(Range{middle, r.end});
  }
  std::uint64_t expected() const { return 16 + wrong_; }

 private:
  std::uint64_t wrong_ = 0;
};
APB_REGISTER_WORKLOAD(SlowTreeWorkload);

TEST(ForkJoin, ParallelSpreadsOneOpsTreeOverItsThreads) {
  // A loaded machine may wake a sleeping worker late: the best of 8 runs
  // (3 were not always enough for hybrid's arena with the other core busy).
  for (const char* strategy :
       {"parallel", "openmp", "hybrid", "async-pool", "threads"}) {
    SCOPED_TRACE(strategy);
    std::size_t most = 0;
    for (int attempt = 0; attempt < 8 && most < 2; ++attempt) {
      leaf_threads().ids.clear();
      const RunResult r =
          run_fork_join("test.slow_tree", strategy, {}, 1, 2, 1);
      ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
      EXPECT_EQ(r.checksum, std::optional<std::uint64_t>(16));
      most = std::max(most, leaf_threads().ids.size());
    }
    EXPECT_GE(most, 2u);
  }
  leaf_threads().ids.clear();
  const RunResult seq = run_fork_join("test.slow_tree", "sequential", {}, 1);
  EXPECT_EQ(leaf_threads().ids.size(), 1u);
  EXPECT_EQ(seq.checksum, std::optional<std::uint64_t>(16));
}

TEST(ForkJoin, AWrongAnswerFailsTheOp) {
  const RunResult r =
      run_fork_join("test.slow_tree", "parallel", {{"wrong", "1"}}, 2, 2);
  // The profile's serial check throws at set-up: the run fails and says so.
  EXPECT_EQ(r.status, RunStatus::failed);
  EXPECT_NE(r.reason.find("wrong answer"), std::string::npos) << r.reason;
}

// A value that is not a number: each leaf's letter, concatenated by the
// forks in order ("abcd"), with a fork's own work declared by node_work.
// Four leaves of work 1, forks of work 1 (two letters) and 2 (the root):
// work 8, longest chain 1 + 1 + 2 = 4, so the critical path is half the
// serial time.
class LettersWorkload final
    : public ForkJoinWorkload<LettersWorkload, Range, std::string> {
 public:
  static WorkloadInfo info() {
    return {.name = "test.letters",
            .kind = WorkloadKind::cpu,
            .description = "test: leaves' letters concatenated by combine",
            .params = {},
            .forms = form_fork_join,
            .default_ops = 2};
  }
  void setup(const RunSetup& run) override {
    profile(run, "test.letters/tree");
  }
  Range root() const { return {0, 4}; }
  bool is_leaf(const Range& r) const { return r.end - r.begin == 1; }
  std::string solve(const Range& r) const {
    std::string out;
    for (int i = r.begin; i < r.end; ++i) out += static_cast<char>('a' + i);
    return out;
  }
  template <class Emit>
  void split(const Range& r, Emit&& emit) const {
    const int middle = (r.begin + r.end) / 2;
    emit(Range{r.begin, middle});
    emit(Range{middle, r.end});
  }
  std::string combine(const Range&, std::span<std::string> children) const {
    std::string out;
    for (std::string& child : children) out += std::move(child);
    return out;
  }
  std::uint64_t digest(const std::string& value) const {
    return value == "abcd" ? 42 : 0;
  }
  double node_work(const Range& r) const {
    return r.end - r.begin == 4 ? 2 : 1;
  }
  std::uint64_t expected() const { return 42; }
};
APB_REGISTER_WORKLOAD(LettersWorkload);

TEST(ForkJoin, NodesCombineValuesOfTheirOwnType) {
  for (const char* strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    const RunResult r = run_fork_join("test.letters", strategy, {});
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_EQ(r.checksum, std::optional<std::uint64_t>(2 * 42));
    ASSERT_TRUE(r.fork_join.has_value());
    EXPECT_EQ(r.fork_join->tasks_per_op, 6u);
    EXPECT_EQ(r.fork_join->leaves_per_op, 4u);
    // The forks' own work is on the critical path: 4 of 8 units, where the
    // leaves alone would give 1 of 8.
    EXPECT_NEAR(r.fork_join->critical_path_s, r.fork_join->serial_s / 2,
                r.fork_join->serial_s * 1e-9);
  }
}

// cpu.mergesort's answer, computed here: the seeded numbers sorted, summed
// weighted by position (2i + 1).
std::uint64_t sorted_digest(std::size_t n, std::uint64_t seed) {
  std::vector<std::uint64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = mix64(seed + i);
  std::sort(v.begin(), v.end());
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += v[i] * (2 * i + 1);
  return sum;
}

TEST(ForkJoin, MergeSortSortsUnderEveryStrategyWithOneChecksum) {
  const std::uint64_t per_op = sorted_digest(20000, 1);  // RunRequest's seed
  for (const char* strategy : kStrategies) {
    SCOPED_TRACE(strategy);
    const RunResult r = run_fork_join("cpu.mergesort", strategy,
                                      {{"n", "20000"}, {"grain", "1000"}}, 3);
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_EQ(r.checksum, std::optional<std::uint64_t>(3 * per_op));
    ASSERT_TRUE(r.fork_join.has_value());
    EXPECT_EQ(r.fork_join->leaves_per_op, 32u);  // 20000 / 2^5 = 625 each
    EXPECT_EQ(r.fork_join->tasks_per_op, 62u);
  }
  // Not a pipeline: tbb-pipeline says so rather than running it.
  const RunResult p = run_fork_join("cpu.mergesort", "tbb-pipeline",
                                    {{"n", "20000"}, {"grain", "1000"}});
  EXPECT_EQ(p.status, RunStatus::not_applicable);
  EXPECT_FALSE(p.reason.empty());
  // A grain as large as n: one leaf, no task, the same answer.
  const RunResult one = run_fork_join("cpu.mergesort", "parallel",
                                      {{"n", "20000"}, {"grain", "20000"}}, 1);
  ASSERT_EQ(one.status, RunStatus::ok) << one.reason;
  EXPECT_EQ(one.checksum, std::optional<std::uint64_t>(per_op));
}

TEST(ForkJoin, MergeSortsCriticalPathIncludesTheMerges) {
  // 64 leaves of 1024 numbers: the leaves alone would make the critical
  // path 1/64 of the serial time; with the merges on the way up (the
  // root's merges all 65536 numbers alone) it is several times that.
  const RunResult r = run_fork_join("cpu.mergesort", "sequential",
                                    {{"n", "65536"}, {"grain", "1024"}}, 1);
  ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
  ASSERT_TRUE(r.fork_join.has_value());
  const ForkJoinCost& c = *r.fork_join;
  EXPECT_EQ(c.leaves_per_op, 64u);
  const double leaves_only = c.serial_s / 64;
  EXPECT_GT(c.critical_path_s, 4 * leaves_only);
  EXPECT_LT(c.critical_path_s, c.serial_s / 2);
}

TEST(ForkJoin, MergeSortsMergesAreNotOverheadUnderSequential) {
  // Under sequential the tree does exactly the serial code's work, merges
  // included: the overhead per task is a small part of the serial time per
  // task (relative, with a generous margin; the best of 3 on a loaded
  // machine).
  const auto& w = Registry::instance().workload("cpu.mergesort");
  RunRequest req;
  req.workload = &w;
  req.strategy = &Registry::instance().strategy("sequential");
  req.params = Params(w.info.params);
  req.params.set("n", "262144");
  req.params.set("grain", "4096");
  req.load.ops = 4;
  req.load.threads = 1;
  req.repetitions = 3;
  req.warmup = 1;
  double best = 1e9;
  double per_task = 0;
  for (int attempt = 0; attempt < 3 && best > 0.1; ++attempt) {
    const RunResult r = run(req);
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    ASSERT_TRUE(r.fork_join.has_value());
    ASSERT_TRUE(r.fork_join->overhead_per_task_s.has_value());
    EXPECT_EQ(r.fork_join->tasks_per_op, 126u);
    per_task = r.fork_join->serial_s / 126;
    best = std::min(best, *r.fork_join->overhead_per_task_s / per_task);
  }
  EXPECT_LT(best, 0.25) << "overhead per task / serial time per task; serial "
                        << per_task << " s per task";
}

TEST(ForkJoin, AmdahlFitRecoversTheSerialFraction) {
  const double s = 0.2;
  std::vector<ScalingSample> samples;
  for (double r : {1.0, 2.0, 4.0, 8.0})
    samples.push_back({r, 1 / (s + (1 - s) / r)});
  const auto fit = fit_amdahl(samples);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->serial_fraction, s, 1e-9);
  EXPECT_NEAR(fit->ci95_low, s, 1e-6);
  EXPECT_NEAR(fit->ci95_high, s, 1e-6);
  EXPECT_EQ(fit->samples, 3u);  // r = 1 carries no information
  EXPECT_FALSE(fit_amdahl(std::vector<ScalingSample>{{1, 1}}).has_value());
}

TEST(ForkJoin, ThreadsSweepMakesASeriesPerStrategy) {
  const auto& w = Registry::instance().workload("cpu.fib");
  Plan plan;
  Sweep sweep;
  sweep.workload = &w;
  sweep.params = Params(w.info.params);
  sweep.params.set("n", "16");
  sweep.params.set("grain", "6");
  sweep.strategies = {&Registry::instance().strategy("sequential"),
                      &Registry::instance().strategy("parallel")};
  for (unsigned t : {1u, 2u}) {
    Load load;
    load.ops = 2;
    load.threads = t;
    sweep.points.push_back(load);
  }
  sweep.settings.repetitions = 2;
  sweep.settings.warmup = 0;
  plan.sweeps.push_back(sweep);
  Results results = run_plan(plan);
  ASSERT_EQ(results.runs.size(), 4u);
  EXPECT_EQ(results.runs[0].load.threads, 1u);
  EXPECT_EQ(results.runs[2].load.threads, 2u);
  const auto series = build_series(results.runs, std::nullopt);
  ASSERT_EQ(series.size(), 2u);
  for (const Series& s : series) {
    SCOPED_TRACE(s.strategy);
    EXPECT_EQ(s.x, "threads");
    ASSERT_EQ(s.points.size(), 2u);
    EXPECT_EQ(s.points[0].threads, std::optional<unsigned>(1));
    EXPECT_EQ(s.points[1].threads, std::optional<unsigned>(2));
    EXPECT_EQ(s.points[0].speedup, std::optional<double>(1.0));
    ASSERT_TRUE(s.points[1].ideal_speedup.has_value());
    // sequential computes on one thread whatever --threads says.
    EXPECT_DOUBLE_EQ(*s.points[1].ideal_speedup,
                     s.strategy == "sequential"
                         ? 1.0
                         : std::min(2.0, double(results.runs[0].cores)));
    // No scaling fit for a strategy that computes on one thread.
    EXPECT_EQ(s.amdahl.has_value(), s.strategy != "sequential");
  }
}

}  // namespace
}  // namespace apb
