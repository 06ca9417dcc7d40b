// Cost of the per-operation latency recording path.
//
// The values come from a precomputed log-normal array so that record() sees
// the realistic spread of bucket indices (and cache lines) instead of one
// constant the compiler could hoist out of the loop.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "apbench/histogram.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Power of two so the index wraps with a mask; 64 Ki values (512 KiB) is more
// than the loop can predict but still mostly cache resident.
constexpr std::size_t kValues = std::size_t{1} << 16;

const std::vector<std::uint64_t>& latencies() {
  static const std::vector<std::uint64_t> values = [] {
    std::mt19937_64 rng(42);
    // Centred on 5 us, spreading from ~100 ns to ~1 ms.
    std::lognormal_distribution<double> dist(std::log(5e3), 1.5);
    std::vector<std::uint64_t> v(kValues);
    for (auto& x : v) x = static_cast<std::uint64_t>(dist(rng)) + 1;
    return v;
  }();
  return values;
}

// (a) record() alone.
void BM_Record(benchmark::State& state) {
  const auto& values = latencies();
  apb::Histogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & (kValues - 1)]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record);

// (b) one clock read, the floor of any timed operation.
void BM_SteadyClockNow(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Clock::now());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SteadyClockNow);

// (c) what the runner adds per operation: time it, record the difference.
// The operation itself is empty, so this is pure measurement overhead.
void BM_TimedRecord(benchmark::State& state) {
  apb::Histogram h;
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto stop = Clock::now();
    h.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start)
            .count()));
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TimedRecord);

// Merging per-thread histograms at the end of a run: a linear pass over
// every bucket, independent of how many values were recorded.
void BM_Merge(benchmark::State& state) {
  const auto& values = latencies();
  apb::Histogram src;
  for (auto v : values) src.record(v);
  apb::Histogram dst;
  for (auto _ : state) {
    dst.merge(src);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(dst.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Merge);

// Reading one percentile scans the buckets up to the rank.
void BM_Percentile(benchmark::State& state) {
  const auto& values = latencies();
  apb::Histogram h;
  for (auto v : values) h.record(v);
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.percentile(99.9));
  }
}
BENCHMARK(BM_Percentile);

}  // namespace

BENCHMARK_MAIN();
