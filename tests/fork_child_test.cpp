// A process of --forks (cli/forks.hpp) is handed typed settings: it parses
// the command line as its parent did, then takes its share of the
// repetitions over the plan and its one output, the JSON into the parent's
// pipe, without writing them back into options to be parsed again.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "apbench/error.hpp"
#include "cli/forks.hpp"
#include "cli/plan.hpp"

namespace apb::cli {
namespace {

struct ForkVariable {
  explicit ForkVariable(const char* value) {
    ::setenv("APBENCH_FORK", value, 1);
  }
  ~ForkVariable() { ::unsetenv("APBENCH_FORK"); }
};

TEST(ForkChild, TakesItsShareOfThePlanAndItsOneOutput) {
  const ForkVariable fork("1/3;2;1;/dev/fd/3");
  const auto child = fork_child_from_environment();
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->index, 1u);
  EXPECT_EQ(child->count, 3u);
  EXPECT_EQ(child->repetitions, 2u);
  EXPECT_EQ(child->json_path, "/dev/fd/3");

  Options o;
  o.filters = {"io.sleep"};
  o.strategies = {"sequential,async"};
  o.repetitions = "7";
  o.outputs = {{"csv", "runs.csv"}, {"json", "all.json"}};
  o.charts_dir = "charts";
  Plan plan = plan_from_options(o);
  ASSERT_FALSE(plan.sweeps.empty());
  EXPECT_EQ(plan.sweeps.front().settings.repetitions, 7u);
  child->take_share(plan);
  for (const Sweep& s : plan.sweeps) EXPECT_EQ(s.settings.repetitions, 2u);

  const OutputSelection out = child->outputs();
  EXPECT_TRUE(out.fork_child);
  EXPECT_TRUE(out.charts_dir.empty());
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files.at("json"), "/dev/fd/3");
}

TEST(ForkChild, NoneWithoutTheVariableAndAMalformedOneIsRefused) {
  ::unsetenv("APBENCH_FORK");
  EXPECT_FALSE(fork_child_from_environment().has_value());
  const ForkVariable fork("2/2;1;1;x");  // index past the count
  EXPECT_THROW(fork_child_from_environment(), UsageError);
}

}  // namespace
}  // namespace apb::cli
