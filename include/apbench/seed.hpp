#pragma once
// Deterministic pseudo-random helpers: the same seed gives the same values
// whatever thread or strategy asks.
#include <cstdint>

namespace apb {

// SplitMix64 finaliser: a well-mixed 64-bit value from any 64-bit input.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of op `index` in a run seeded with `run_seed`.
constexpr std::uint64_t op_seed(std::uint64_t run_seed,
                                std::uint64_t index) noexcept {
  return mix64(run_seed ^ mix64(index));
}

// Uniform double in [0, 1) from a 64-bit value.
constexpr double unit_interval(std::uint64_t x) noexcept {
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

}  // namespace apb
