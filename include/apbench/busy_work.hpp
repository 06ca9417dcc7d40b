#pragma once
// Calibrated CPU busy work for workloads that model "W of computation":
// a dependent integer loop the compiler can neither remove nor vectorise,
// so W of work takes W on one core whatever the optimiser does.
#include <chrono>
#include <cstdint>

#include "apbench/workload.hpp"

namespace apb {

// Runs `iterations` steps seeded with `seed`; returns the final state (a
// digest that depends on every step).
std::uint64_t busy_iterations(std::uint64_t iterations, std::uint64_t seed);

// Iterations per second of busy_iterations on one core of this machine,
// measured once on first use (best of several short timings; thread-safe).
double busy_iterations_per_second();

// Iterations that take `work` on one core.
std::uint64_t busy_iterations_for(std::chrono::nanoseconds work);

// A kernel doing `total_iterations` split into `pieces` equal items, so
// a strategy can spread one op's work over cores. Item i is seeded with
// mix(seed, i): any split computes the same digest.
Kernel busy_kernel(std::uint64_t total_iterations, std::size_t pieces,
                   std::uint64_t seed);

}  // namespace apb
