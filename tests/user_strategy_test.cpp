// A strategy registered from outside apbench through the public headers
// only (APB_REGISTER_STRATEGY), run end to end: the runner, the analysis
// (speed-ups, diagnoses, advice, fastest) and the results file treat it by
// its traits exactly like a built-in. Its own executable, so the strategy
// it registers is not in the other tests' registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <apbench/analysis.hpp>
#include <apbench/plan.hpp>
#include <apbench/read_results.hpp>
#include <apbench/registry.hpp>
#include <apbench/report.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace {

// The CPU work inside an op runs whole on the op's thread.
class OnThisThread final : public apb::ComputePolicy {
 public:
  std::string_view name() const override { return "on this thread"; }
  std::uint64_t run(std::size_t items, const apb::Kernel& kernel) override {
    return kernel(apb::IndexRange{0, items});
  }
  apb::asio::awaitable<std::uint64_t> run_async(
      std::size_t items, const apb::Kernel& kernel) override {
    co_return kernel(apb::IndexRange{0, items});
  }
};

// A fixed pool of plain threads, each running blocking ops one after
// another: the company thread pool a user might bring.
class FixedPool final : public apb::Strategy {
 public:
  std::string_view name() const override { return "test-fixed-pool"; }
  std::string_view description() const override {
    return "a fixed pool of std::threads running blocking ops";
  }
  apb::StrategyTraits traits() const override {
    return {.model = apb::ExecutionModel::other,
            .blocking_workers = true,
            .simplicity = 2};
  }
  std::optional<std::string> unsupported_reason(
      const apb::WorkloadInfo& info) const override {
    if ((info.forms & apb::form_blocking) == 0) return "needs a blocking form";
    return std::nullopt;
  }
  std::size_t effective_concurrency(const apb::Load& load) const override {
    return std::min<std::size_t>(load.threads, load.requested_concurrency());
  }
  Recording recording(const apb::Load& load) const override {
    return {.slots = load.threads, .shared = false};
  }
  void execute(const apb::WorkloadInfo&, apb::Workload& workload,
               apb::Batch& batch) const override {
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < batch.threads(); ++w)
      pool.emplace_back([&, w] {
        OnThisThread compute;
        apb::LaneState lane(w);
        while (const auto index = batch.claim())
          batch.run_blocking(workload, *index, compute, w, lane);
      });
  }
};

APB_REGISTER_STRATEGY(FixedPool);

apb::Results run(std::string_view workload, std::size_t ops,
                 std::vector<std::pair<std::string, std::string>> settings) {
  const auto& registry = apb::Registry::instance();
  apb::Plan plan;
  apb::Sweep sweep;
  sweep.workload = &registry.workload(workload);
  sweep.params = apb::Params(sweep.workload->info.params);
  for (const auto& [name, value] : settings) sweep.params.set(name, value);
  sweep.strategies = {&registry.strategy("sequential"),
                      &registry.strategy("test-fixed-pool")};
  apb::Load load;
  load.ops = ops;
  load.threads = 2;
  sweep.points.push_back(load);
  sweep.settings.repetitions = 3;
  sweep.settings.warmup = 0;
  plan.sweeps.push_back(sweep);
  apb::Results results = apb::run_plan(plan);
  apb::analyse(results);
  return results;
}

const apb::RunResult& of(const apb::Results& results, std::string_view s) {
  for (const auto& r : results.runs)
    if (r.strategy == s) return r;
  throw std::logic_error("no run of " + std::string(s));
}

TEST(UserStrategy, IsListedByItsModelAfterTheBuiltIns) {
  const auto strategies = apb::Registry::instance().strategies();
  ASSERT_FALSE(strategies.empty());
  EXPECT_EQ(strategies.back()->name(), "test-fixed-pool");
  EXPECT_TRUE(strategies.front()->traits().baseline);
}

// 8 sleeps of 50 ms on 2 blocking workers: 4x the baseline's speed, and
// the blocking-pool diagnoses apply to it as to oneTBB's workers.
TEST(UserStrategy, IsMeasuredDiagnosedAndAdvisedLikeABuiltIn) {
  const apb::Results results = run("io.sleep", 8, {{"delay", "50ms"}});
  const auto& mine = of(results, "test-fixed-pool");
  ASSERT_EQ(mine.status, apb::RunStatus::ok) << mine.reason;
  EXPECT_EQ(mine.strategy_traits.model, apb::ExecutionModel::other);
  ASSERT_TRUE(mine.speedup_vs_sequential.has_value());
  EXPECT_GT(*mine.speedup_vs_sequential, 1.3);  // ideal 2x; loaded machines
  EXPECT_TRUE(std::any_of(mine.diagnoses.begin(), mine.diagnoses.end(),
                          [](const apb::Diagnosis& d) {
                            return d.kind == "starvation" ||
                                   d.kind == "blocked_workers";
                          }))
      << "a pool of blocking workers waiting on sleeps";
  ASSERT_EQ(results.advice.size(), 1u);
  EXPECT_EQ(results.advice[0].best, "test-fixed-pool");
  EXPECT_NE(results.advice[0].text.find("test-fixed-pool"), std::string::npos);
}

// The traits go into the results file and come back unchanged, so compare
// and merge analyse a user's strategy as the run did.
TEST(UserStrategy, TraitsSurviveTheResultsFile) {
  const apb::Results results = run("cpu.spin", 2, {{"work", "1ms"}});
  std::ostringstream out;
  apb::write_json(out, results);
  EXPECT_NE(out.str().find("\"strategy_traits\""), std::string::npos);
  std::istringstream in(out.str());
  const apb::Results back = apb::read_json(in, "memory");
  const auto& mine = of(back, "test-fixed-pool");
  EXPECT_EQ(mine.strategy_traits,
            of(results, "test-fixed-pool").strategy_traits);
  EXPECT_TRUE(of(back, "sequential").strategy_traits.baseline);
}

}  // namespace
