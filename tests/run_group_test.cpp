// A group's runs are measured with their repetitions interleaved; each is
// handed over as soon as it is done, before the rest of the group, so the
// command line writes every finished run before the next starts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apbench/plan.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunRequest group_sleep(std::string_view strategy) {
  RunRequest r;
  r.workload = &Registry::instance().workload("io.sleep");
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(r.workload->info.params);
  r.params.set("delay", "1ms");
  r.load.ops = 2;
  r.load.threads = 2;
  r.repetitions = 2;
  r.warmup = 1;
  return r;
}

TEST(RunGroup, EachRunIsDoneAsSoonAsItsLastRepetitionIs) {
  const std::vector<RunRequest> group = {
      group_sleep("sequential"), group_sleep("async"), group_sleep("threads")};
  std::vector<std::string> events;
  const auto results = run_group(
      group,
      [&](const RunRequest&, std::size_t i, unsigned round, unsigned) {
        events.push_back("rep " + std::to_string(i) + " " +
                         std::to_string(round));
      },
      {},
      [&](std::size_t i, const RunResult& r) {
        EXPECT_EQ(r.strategy, group[i].strategy->name());
        EXPECT_EQ(r.status, RunStatus::ok);
        EXPECT_FALSE(r.interrupted);
        EXPECT_EQ(r.repetitions.size(), 2u);
        events.push_back("done " + std::to_string(i));
      });
  ASSERT_EQ(results.size(), 3u);
  // Three rounds (a warm-up, two repetitions), the order reversed every
  // other round: the last runs 0, 1, 2 as the first did, and each run is
  // done right after its own last repetition.
  const std::vector<std::string> last = {"rep 0 2", "done 0",  "rep 1 2",
                                         "done 1",  "rep 2 2", "done 2"};
  ASSERT_EQ(events.size(), 9u + 3u);
  EXPECT_EQ(std::vector<std::string>(events.end() - 6, events.end()), last);
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].strategy, group[i].strategy->name());
}

TEST(RunGroup, APlanHandsEachRunOverBeforeItsGroupEnds) {
  Plan plan;
  Sweep sweep;
  sweep.workload = &Registry::instance().workload("io.sleep");
  sweep.params = Params(sweep.workload->info.params);
  sweep.params.set("delay", "1ms");
  sweep.strategies = {&Registry::instance().strategy("sequential"),
                      &Registry::instance().strategy("async")};
  Load load;
  load.ops = 2;
  sweep.points = {load};
  sweep.settings.repetitions = 2;
  sweep.settings.warmup = 0;
  plan.sweeps.push_back(sweep);
  std::vector<std::string> events;
  PlanCallbacks callbacks;
  callbacks.done = [&](const RunResult& r) {
    events.push_back("done " + r.strategy);
  };
  callbacks.finished = [&](const RunResult& r) {
    events.push_back("finished " + r.strategy);
  };
  const Results results = run_plan(plan, callbacks);
  ASSERT_EQ(results.runs.size(), 2u);
  // Done in the order they finish (async first: the last round reverses),
  // finished in the plan's order once the group is over.
  EXPECT_EQ(events, (std::vector<std::string>{"done async", "done sequential",
                                              "finished sequential",
                                              "finished async"}));
}

}  // namespace
}  // namespace apb
