#include "apbench/schedule.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

namespace apb {

std::vector<std::int64_t> arrival_schedule(Arrival arrival, double rate,
                                           double duration_s,
                                           std::uint64_t seed) {
  if (!(rate > 0) || !(duration_s > 0))
    throw std::invalid_argument(
        "an arrival schedule needs rate > 0 and "
        "duration > 0");
  std::vector<std::int64_t> due;
  const double gap_ns = 1e9 / rate;
  if (arrival == Arrival::constant) {
    const auto n = static_cast<std::size_t>(std::llround(rate * duration_s));
    due.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      due.push_back(std::llround(static_cast<double>(i) * gap_ns));
    return due;
  }
  // Poisson process: independent exponential gaps; the first op arrives at
  // 0 so every schedule starts at once, like the constant one.
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  std::exponential_distribution<double> gap(1.0);
  const double end_ns = duration_s * 1e9;
  due.reserve(static_cast<std::size_t>(rate * duration_s * 1.1) + 16);
  for (double t = 0; t < end_ns; t += gap(rng) * gap_ns)
    due.push_back(std::llround(t));
  return due;
}

std::vector<std::int64_t> shard_schedule(
    const std::vector<std::int64_t>& schedule, unsigned shard,
    unsigned shards) {
  if (shards == 0 || shard >= shards)
    throw std::invalid_argument("a shard index must be below the shard count");
  std::vector<std::int64_t> mine;
  mine.reserve(schedule.size() / shards + 1);
  for (std::size_t i = shard; i < schedule.size(); i += shards)
    mine.push_back(schedule[i]);
  return mine;
}

std::size_t shard_ops(std::size_t ops, unsigned shard, unsigned shards) {
  if (shards == 0 || shard >= shards)
    throw std::invalid_argument("a shard index must be below the shard count");
  return ops / shards + (shard < ops % shards ? 1 : 0);
}

}  // namespace apb
