// A plain OpenMP program, no apbench: fib(n) forking every call above the
// grain with `omp task` (the first child a task, the second called here,
// then taskwait), in a parallel region of T threads, timed beside the plain
// serial function. It prints the same per-task overhead apbench reports for
// `cpu.fib` under `openmp`, (wall x T - serial) / tasks, so the two compare
// directly: apbench's own cost per task is the difference. A parallel
// region for each repetition, as the openmp strategy makes one per batch.
// Usage: apbench_omp_fib_reference [N] [GRAIN] [THREADS] [REPETITIONS]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

std::uint64_t serial_fib(int n) {
  return n < 2 ? static_cast<std::uint64_t>(n)
               : serial_fib(n - 1) + serial_fib(n - 2);
}

std::uint64_t parallel_fib(int n, int grain) {
  if (n < 2 || n <= grain) return serial_fib(n);
  std::uint64_t a = 0, b = 0;
#pragma omp task default(none) shared(a) firstprivate(n, grain)
  a = parallel_fib(n - 1, grain);
  b = parallel_fib(n - 2, grain);
#pragma omp taskwait
  return a + b;
}

// Children forked: every node of the tree but the root.
std::uint64_t tasks(int n, int grain) {
  if (n < 2 || n <= grain) return 0;
  return 2 + tasks(n - 1, grain) + tasks(n - 2, grain);
}

template <class F>
double best_seconds(int repetitions, F&& f) {
  double best = 0;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (r == 0 || s < best) best = s;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 30;
  const int grain = argc > 2 ? std::atoi(argv[2]) : 0;
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const int threads =
      argc > 3 ? std::atoi(argv[3]) : static_cast<int>(hardware);
  const int repetitions = argc > 4 ? std::atoi(argv[4]) : 5;
  if (n < 1 || n > 60 || grain < 0 || threads < 1 || repetitions < 1) {
    std::fprintf(stderr, "usage: %s [N 1..60] [GRAIN] [THREADS] [REPS]\n",
                 argv[0]);
    return 2;
  }
  std::uint64_t serial_value = 0, parallel_value = 0;
  const double serial =
      best_seconds(repetitions, [&] { serial_value = serial_fib(n); });
  const double wall = best_seconds(repetitions, [&] {
#pragma omp parallel num_threads(threads) default(none) \
    shared(parallel_value, n, grain)
#pragma omp single
    parallel_value = parallel_fib(n, grain);
  });
  if (serial_value != parallel_value) {
    std::fprintf(stderr, "wrong answer: %llu vs %llu\n",
                 static_cast<unsigned long long>(parallel_value),
                 static_cast<unsigned long long>(serial_value));
    return 1;
  }
  const std::uint64_t forked = tasks(n, grain);
  const double used = std::min<double>(threads, hardware);
  std::printf(
      "fib(%d) = %llu, grain %d, %d threads: serial %.3f ms, "
      "omp task %.3f ms (best of %d), %llu tasks, overhead per task "
      "%.1f ns\n",
      n, static_cast<unsigned long long>(serial_value), grain, threads,
      serial * 1e3, wall * 1e3, repetitions,
      static_cast<unsigned long long>(forked),
      forked > 0 ? (wall * used - serial) / static_cast<double>(forked) * 1e9
                 : 0.0);
  return 0;
}
