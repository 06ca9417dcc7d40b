// calibrate_once: one measurement per key and parameter set, shared by
// every run (and thread) of the process, so every strategy reports the
// same ideal.
#include "apbench/calibration.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "apbench/runner.hpp"

namespace apb {
namespace {

Params calibration_params(std::string_view size) {
  Params p({{"size", ParamType::bytes, "1KiB", "test", {}},
            {"mode", ParamType::text, "fast", "test", {}}});
  p.set("size", size);
  return p;
}

TEST(Calibration, SameParamsMeasureOnceAndReturnTheSameValue) {
  int measured = 0;
  auto measure = [&] { return 1.5 + measured++; };
  const Params p = calibration_params("4KiB");
  const double& first = calibrate_once<double>(p, "test.same/x", measure);
  const double& second = calibrate_once<double>(p, "test.same/x", measure);
  EXPECT_EQ(measured, 1);
  EXPECT_EQ(first, 1.5);
  EXPECT_EQ(&first, &second);  // the cached value itself
  // A copy of the parameters with equal values hits the same entry.
  const Params copy = calibration_params("4KiB");
  EXPECT_EQ(calibrate_once<double>(copy, "test.same/x", measure), 1.5);
  EXPECT_EQ(measured, 1);
}

TEST(Calibration, DifferentParamsOrKeysMeasureAgain) {
  int measured = 0;
  auto measure = [&] { return ++measured; };
  EXPECT_EQ(
      calibrate_once<int>(calibration_params("1KiB"), "test.diff/x", measure),
      1);
  EXPECT_EQ(
      calibrate_once<int>(calibration_params("2KiB"), "test.diff/x", measure),
      2);
  Params other_text = calibration_params("1KiB");
  other_text.set("mode", "slow");
  EXPECT_EQ(calibrate_once<int>(other_text, "test.diff/x", measure), 3);
  EXPECT_EQ(
      calibrate_once<int>(calibration_params("1KiB"), "test.diff/y", measure),
      4);
  // And the first entry is still there.
  EXPECT_EQ(
      calibrate_once<int>(calibration_params("1KiB"), "test.diff/x", measure),
      1);
  EXPECT_EQ(measured, 4);
}

TEST(Calibration, ConcurrentCallsMeasureOnce) {
  std::atomic<int> measured{0};
  const Params p = calibration_params("8KiB");
  std::vector<const double*> seen(8);
  std::vector<std::jthread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back([&, t] {
      seen[t] = &calibrate_once<double>(p, "test.concurrent/x", [&] {
        ++measured;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return 2.5;
      });
    });
  threads.clear();  // joins
  EXPECT_EQ(measured.load(), 1);
  for (const double* v : seen) {
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v, seen[0]);
    EXPECT_EQ(*v, 2.5);
  }
}

TEST(Calibration, AThrowingMeasurementIsNotCached) {
  const Params p = calibration_params("16KiB");
  EXPECT_THROW(calibrate_once<int>(
                   p, "test.throw/x",
                   []() -> int { throw std::runtime_error("no clock"); }),
               std::runtime_error);
  EXPECT_EQ(calibrate_once<int>(p, "test.throw/x", [] { return 7; }), 7);
}

TEST(Calibration, OneKeyWithTwoTypesIsALogicError) {
  const Params p = calibration_params("32KiB");
  calibrate_once<int>(p, "test.types/x", [] { return 1; });
  EXPECT_THROW(calibrate_once<double>(p, "test.types/x", [] { return 1.0; }),
               std::logic_error);
}

// cpu.mandelbrot times one image in setup(), which runs once per strategy:
// with calibrate_once every strategy reports the same ideal.
TEST(Calibration, ACalibratingWorkloadHasOneIdealUnderEveryStrategy) {
  const auto& w = Registry::instance().workload("cpu.mandelbrot");
  std::vector<RunResult> results;
  for (const char* strategy : {"sequential", "parallel", "hybrid"}) {
    RunRequest r;
    r.workload = &w;
    r.strategy = &Registry::instance().strategy(strategy);
    r.params = Params(w.info.params);
    r.params.set("size", "48");
    r.params.set("iterations", "40");
    r.load.ops = 2;
    r.repetitions = 1;
    r.warmup = 0;
    results.push_back(run(r));
  }
  for (const RunResult& r : results) {
    ASSERT_EQ(r.status, RunStatus::ok) << r.strategy << ": " << r.reason;
    ASSERT_TRUE(r.ideal_s.has_value()) << r.strategy;
    EXPECT_GT(*r.ideal_s, 0);
    EXPECT_EQ(*r.ideal_s, *results.front().ideal_s) << r.strategy;
    EXPECT_EQ(r.notes, results.front().notes) << r.strategy;
  }
}

}  // namespace
}  // namespace apb
