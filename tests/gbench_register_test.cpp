// apb::gbench::register_benchmarks: what it registers, under which names,
// and that bad input is a UsageError.
#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include "apbench/error.hpp"
#include "apbench/gbench.hpp"
#include "apbench/gbench_name.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

TEST(GbenchRegister, NamesEachWorkloadAndStrategyAsTheReporterDoes) {
  gbench::Options options;
  options.filters = {"io.s*"};
  options.strategies = {"async", "sequential"};
  options.ops = 6;
  options.concurrency = 3;
  options.settings = {"io.sleep.delay=7ms"};
  const auto names = gbench::register_benchmarks(options);
  Load load;
  load.ops = 6;
  load.concurrency = 3;
  const std::vector<std::pair<std::string, std::string>> params = {
      {"delay", "7ms"}, {"distribution", "fixed"}};
  EXPECT_EQ(
      names,
      (std::vector<std::string>{
          gbench_name("io.sleep", "async", params, load, hardware_threads()),
          gbench_name("io.sleep", "sequential", params, load,
                      hardware_threads())}));
  EXPECT_EQ(names.front(),
            "io.sleep/async/ops:6/concurrency:3/delay:7ms/distribution:fixed/"
            "process_time/manual_time");
}

TEST(GbenchRegister, ASweptParameterRegistersABenchmarkPerValue) {
  gbench::Options options;
  options.filters = {"io.sleep"};
  options.strategies = {"async"};
  options.settings = {"delay=1ms,3ms"};
  const auto names = gbench::register_benchmarks(options);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_NE(names[0].find("/delay:1ms/"), std::string::npos) << names[0];
  EXPECT_NE(names[1].find("/delay:3ms/"), std::string::npos) << names[1];
}

TEST(GbenchRegister, DefaultsAreEachWorkloadsOwnLoad) {
  const auto names =
      gbench::register_benchmarks("hybrid.fetch_process", {"hybrid"});
  const auto& info = Registry::instance().workload("hybrid.fetch_process").info;
  Load load;
  load.ops = info.default_ops;
  load.concurrency = info.default_concurrency;
  EXPECT_EQ(names, (std::vector<std::string>{gbench_name(
                       info.name, "hybrid", Params(info.params).values(), load,
                       hardware_threads())}));
}

TEST(GbenchRegister, BadInputThrowsUsageError) {
  EXPECT_THROW(gbench::register_benchmarks("io.slep"), UsageError);
  EXPECT_THROW(gbench::register_benchmarks("io.sleep", {"asyc"}), UsageError);
  gbench::Options options;
  options.filters = {"io.sleep"};
  options.settings = {"dely=5ms"};
  EXPECT_THROW(gbench::register_benchmarks(options), UsageError);
  options.settings = {"delay=5parsecs"};
  EXPECT_THROW(gbench::register_benchmarks(options), UsageError);
}

}  // namespace
}  // namespace apb
