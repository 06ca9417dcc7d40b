#include "apbench/busy_work.hpp"

#include <algorithm>

#include "apbench/seed.hpp"

namespace apb {

std::uint64_t busy_iterations(std::uint64_t iterations, std::uint64_t seed) {
  std::uint64_t x = seed | 1;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    // One LCG step plus a xorshift: each step needs the previous result.
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 29;
  }
  return x;
}

double busy_iterations_per_second() {
  static const double rate = [] {
    using clock = std::chrono::steady_clock;
    constexpr std::uint64_t kSteps = 1 << 20;
    double best = 0;
    volatile std::uint64_t sink = 0;
    // Best of several: a timing can only be slowed by interference.
    const auto deadline = clock::now() + std::chrono::milliseconds(30);
    for (int i = 0; i < 5 || clock::now() < deadline; ++i) {
      const auto start = clock::now();
      sink = sink + busy_iterations(kSteps, static_cast<std::uint64_t>(i));
      const double s =
          std::chrono::duration<double>(clock::now() - start).count();
      if (s > 0) best = std::max(best, kSteps / s);
      if (i > 1000) break;
    }
    return best;
  }();
  return rate;
}

std::uint64_t busy_iterations_for(std::chrono::nanoseconds work) {
  return static_cast<std::uint64_t>(
      std::chrono::duration<double>(work).count() *
      busy_iterations_per_second());
}

Kernel busy_kernel(std::uint64_t total_iterations, std::size_t pieces,
                   std::uint64_t seed) {
  const std::uint64_t per_piece =
      total_iterations / std::max<std::size_t>(pieces, 1);
  return [per_piece, seed](IndexRange range) {
    std::uint64_t digest = 0;
    for (std::size_t i = range.begin; i < range.end; ++i)
      digest += busy_iterations(per_piece, mix64(seed ^ i));
    return digest;
  };
}

}  // namespace apb
