#include "apbench/registry.hpp"

#include <gtest/gtest.h>

#include "apbench/error.hpp"

namespace apb {
namespace {

TEST(Registry, BuiltInWorkloadsAreRegistered) {
  const auto& r = Registry::instance();
  for (const char* name :
       {"io.sleep", "cpu.spin", "cpu.mandelbrot", "hybrid.fetch_process",
        "hybrid.web_api", "hybrid.etl"}) {
    const auto* w = r.find_workload(name);
    ASSERT_NE(w, nullptr) << name;
    EXPECT_EQ(w->info.name, name);
    EXPECT_FALSE(w->info.description.empty());
    EXPECT_NE(w->make(), nullptr);
  }
  EXPECT_EQ(r.find_workload("io.nope"), nullptr);
}

TEST(Registry, WorkloadsAreSortedByName) {
  const auto names = Registry::instance().workload_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(Registry, StrategiesInCanonicalOrder) {
  const auto names = Registry::instance().strategy_names();
  const std::vector<std::string> expected = {
      "sequential", "async",  "async-pool", "threads",
      "parallel",   "openmp", "hybrid"};
  ASSERT_GE(names.size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), names.begin()));
}

TEST(Registry, UnknownNamesSuggestTheNearest) {
  const auto& r = Registry::instance();
  try {
    r.strategy("asyc");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'asyc'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("did you mean 'async'"),
              std::string::npos)
        << e.what();
  }
  try {
    r.workload("io.slep");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("io.sleep"), std::string::npos);
  }
}

TEST(Registry, RejectsDuplicatesAndBadNames) {
  auto& r = Registry::instance();
  WorkloadInfo dup{.name = "io.sleep",
                   .kind = WorkloadKind::io,
                   .description = "x",
                   .params = {},
                   .forms = form_blocking,
                   .default_ops = 1};
  EXPECT_THROW(r.add_workload(dup, [] { return nullptr; }), std::logic_error);
  WorkloadInfo bad = dup;
  bad.name = "NoDots";
  EXPECT_THROW(r.add_workload(bad, [] { return nullptr; }), std::logic_error);
  WorkloadInfo no_forms = dup;
  no_forms.name = "test.no_forms";
  no_forms.forms = 0;
  EXPECT_THROW(r.add_workload(no_forms, [] { return nullptr; }),
               std::logic_error);
}

TEST(Registry, UserWorkloadsUseThePublicPath) {
  // test_workloads.cpp registers with APB_REGISTER_WORKLOAD, like a user.
  EXPECT_NE(Registry::instance().find_workload("test.counting"), nullptr);
}

}  // namespace
}  // namespace apb
