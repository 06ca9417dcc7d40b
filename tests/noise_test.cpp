// Noise on the machine: the causes named, the spread warning, --cpus lists
// and pinning, and a real reading of /proc.
#include "apbench/noise.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apbench/cpu_affinity.hpp"
#include "apbench/error.hpp"
#include "apbench/runner.hpp"
#include "apbench/stats.hpp"

namespace apb {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

MachineNoise quiet() {
  MachineNoise n;
  n.load_average = 0.1;
  n.cpu_busy = 0.01;
  n.cpu_steal = 0;
  n.other_runnable = 0;
  return n;
}

TEST(NoiseTest, QuietMachineHasNoCause) {
  EXPECT_EQ(noise_causes(quiet(), 2), "");
  MachineNoise after_a_run = quiet();
  after_a_run.load_average = 1.9;  // lags behind: not a cause alone
  after_a_run.other_runnable = 1;  // a passing thread: not alone either
  EXPECT_EQ(noise_causes(after_a_run, 2), "");
}

TEST(NoiseTest, BusyAndStolenCpuAreNamed) {
  MachineNoise busy = quiet();
  busy.cpu_busy = 0.97;
  busy.other_runnable = 2;
  busy.load_average = 2.1;
  const std::string causes = noise_causes(busy, 2);
  EXPECT_TRUE(has(causes, "97 % of the CPUs busy with other work")) << causes;
  EXPECT_TRUE(has(causes, "2 other runnable threads")) << causes;
  EXPECT_TRUE(has(causes, "load average 2.10 on 2 cores")) << causes;
  MachineNoise stolen = quiet();
  stolen.cpu_steal = 0.08;
  EXPECT_TRUE(has(noise_causes(stolen, 2), "8 % of CPU time stolen"));
  MachineNoise crowded = quiet();
  crowded.other_runnable = 2;  // enough to fill both cores
  EXPECT_TRUE(has(noise_causes(crowded, 2), "2 other runnable threads"));
}

RunResult run_with(const std::vector<double>& walls) {
  RunResult r;
  r.workload = "cpu.spin";
  r.strategy = "async";
  r.repetitions.resize(walls.size());
  r.wall_s = summarize(walls);
  return r;
}

TEST(NoiseTest, SpreadWarningNamesCauseAndRemedy) {
  const RunResult steady = run_with({1.0, 1.01, 0.99, 1.0, 1.005});
  EXPECT_FALSE(spread_warning(steady, quiet(), quiet(), 2));
  const RunResult noisy = run_with({1.0, 1.3, 0.8, 1.2, 0.9});
  MachineNoise busy = quiet();
  busy.cpu_busy = 0.9;
  const auto w = spread_warning(noisy, busy, quiet(), 2);
  ASSERT_TRUE(w);
  EXPECT_TRUE(has(*w, "cpu.spin · async")) << *w;
  EXPECT_TRUE(has(*w, "90 % of the CPUs busy")) << *w;
  EXPECT_TRUE(has(*w, "--repetitions")) << *w;
  EXPECT_TRUE(has(*w, "--cpus")) << *w;
  const auto unexplained = spread_warning(noisy, quiet(), quiet(), 2);
  ASSERT_TRUE(unexplained);
  EXPECT_TRUE(has(*unexplained, "no busy or stolen CPU")) << *unexplained;
  // Two repetitions say too little about spread to warn.
  EXPECT_FALSE(spread_warning(run_with({1.0, 2.0}), busy, busy, 2));
}

TEST(NoiseTest, DescribesWhatTheSystemExposes) {
  MachineNoise n = quiet();
  n.virtualization = "KVM";
  n.governor = "performance";
  n.turbo = false;
  const std::string text = describe_noise(n, 2);
  EXPECT_TRUE(has(text, "load 0.10 on 2 cores")) << text;
  EXPECT_TRUE(has(text, "in a VM (KVM)")) << text;
  EXPECT_TRUE(has(text, "governor performance")) << text;
  EXPECT_TRUE(has(text, "turbo off")) << text;
  EXPECT_FALSE(has(describe_noise(quiet(), 2), "governor"));
}

// The real machine: /proc is readable on Linux, shares are fractions.
TEST(NoiseTest, MeasuresThisMachine) {
  const MachineNoise n = measure_noise(0.02);
  ASSERT_TRUE(n.load_average);
  ASSERT_TRUE(n.cpu_busy);
  EXPECT_GE(*n.cpu_busy, 0);
  EXPECT_LE(*n.cpu_busy, 1);
  ASSERT_TRUE(n.cpu_steal);
  EXPECT_GE(*n.cpu_steal, 0);
  EXPECT_LE(*n.cpu_steal, 1);
  EXPECT_TRUE(n.other_runnable);
}

TEST(CpuAffinityTest, ParsesListsAndRanges) {
  EXPECT_EQ(parse_cpu_list("0"), (std::vector<unsigned>{0}));
  EXPECT_EQ(parse_cpu_list("0-2,5,1"), (std::vector<unsigned>{0, 1, 2, 5}));
  for (const char* bad : {"", "a", "1-", "3-1", "0,,1", "-1", "99999"})
    EXPECT_THROW(parse_cpu_list(bad), UsageError) << bad;
}

// Pinning changes what hardware_threads() counts, and is undone here so the
// other tests keep all CPUs.
TEST(CpuAffinityTest, PinningSizesTheDefaultThreads) {
  const std::string all = allowed_cpus();
  const unsigned before = hardware_threads();
  ASSERT_FALSE(all.empty());
  const unsigned first = parse_cpu_list(all).front();
  pin_to_cpus(std::to_string(first));
  EXPECT_EQ(hardware_threads(), 1u);
  EXPECT_EQ(allowed_cpus(), std::to_string(first));
  pin_to_cpus(all);
  EXPECT_EQ(hardware_threads(), before);
  EXPECT_THROW(pin_to_cpus("1000"), UsageError);
  EXPECT_EQ(allowed_cpus(), all);
}

}  // namespace
}  // namespace apb
