#pragma once
// Open-loop arrival schedules: when each op is due, as an offset from the
// start of the repetition. The same seed gives the same schedule, so every
// strategy and repetition faces the same arrivals.
#include <cstdint>
#include <vector>

#include "apbench/load.hpp"

namespace apb {

// Offsets in nanoseconds, ascending. Constant: op i at i / rate, round(rate
// x duration) ops. Poisson: exponential gaps of mean 1 / rate until the
// duration is reached.
std::vector<std::int64_t> arrival_schedule(Arrival arrival, double rate,
                                           double duration_s,
                                           std::uint64_t seed);

// Shard `shard` of `shards`: arrivals shard, shard + N, shard + 2N, ... of
// `schedule`, so the shards together are exactly the whole schedule.
std::vector<std::int64_t> shard_schedule(
    const std::vector<std::int64_t>& schedule, unsigned shard, unsigned shards);

// A closed loop's ops for shard `shard` of `shards`: the shares differ by at
// most one and add up to `ops`.
std::size_t shard_ops(std::size_t ops, unsigned shard, unsigned shards);

}  // namespace apb
