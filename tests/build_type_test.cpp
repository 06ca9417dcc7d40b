// A workload remembers whether its own code was compiled with optimisation,
// and the reports warn when it was not while apbench was: a user's project
// configured without CMAKE_BUILD_TYPE=Release ran its CPU stage 10x slower
// with no word about it.
#include <gtest/gtest.h>

#include <apbench/registry.hpp>
#include <apbench/report.hpp>
#include <sstream>

namespace {

TEST(BuildType, RegistrationRecordsTheTranslationUnitsOptimisation) {
  const auto& registry = apb::Registry::instance();
  EXPECT_TRUE(registry.workload("test.built_optimized").optimized);
  EXPECT_FALSE(registry.workload("test.built_unoptimized").optimized);
}

apb::Results results_of(bool workload_optimized, bool apbench_optimized) {
  apb::Results results;
  results.context.optimized = apbench_optimized;
  results.context.build_type = "Release";
  apb::RunResult run;
  run.workload = "test.built_unoptimized";
  run.strategy = "sequential";
  run.status = apb::RunStatus::not_applicable;
  run.reason = "test";
  run.workload_optimized = workload_optimized;
  results.runs.push_back(run);
  return results;
}

std::string console(const apb::Results& r) {
  std::ostringstream out;
  apb::write_console(out, r, false);
  return out.str();
}
std::string markdown(const apb::Results& r) {
  std::ostringstream out;
  apb::write_markdown(out, r);
  return out.str();
}

TEST(BuildType, AnUnoptimisedWorkloadIsWarnedAboutFirst) {
  const apb::Results r = results_of(false, true);
  const std::string text = console(r);
  const auto warning = text.find(
      "warning: workload test.built_unoptimized was compiled without "
      "optimisation");
  ASSERT_NE(warning, std::string::npos) << text;
  EXPECT_LT(warning, text.find("test.built_unoptimized ("))
      << "the warning comes before the tables:\n"
      << text;
  EXPECT_NE(text.find("-DCMAKE_BUILD_TYPE=Release"), std::string::npos);
  EXPECT_NE(markdown(r).find("compiled without optimisation"),
            std::string::npos);
}

TEST(BuildType, NoWarningWhenOptimisedOrWhenApbenchIsNotEither) {
  EXPECT_EQ(console(results_of(true, true)).find("without optimisation"),
            std::string::npos);
  // A Debug apbench with Debug workloads: the build line says it all.
  EXPECT_EQ(console(results_of(false, false)).find("without optimisation"),
            std::string::npos);
}

}  // namespace
