#pragma once
// The load a run puts on a workload: closed loop (fire `ops`, keep at most
// `concurrency` in flight, await all) or open loop (ops arrive on a
// schedule at `rate` per second whether or not earlier ones finished).
#include <cstddef>
#include <string_view>

namespace apb {

enum class LoadMode { closed, open };
enum class Arrival { constant, poisson };
std::string_view to_string(LoadMode mode);    // "closed", "open"
std::string_view to_string(Arrival arrival);  // "constant", "poisson"

struct Load {
  LoadMode mode = LoadMode::closed;
  // Closed loop: ops per repetition. Open loop: set from the schedule
  // (rate x duration, or the Poisson draw) when the run is set up.
  std::size_t ops = 10;
  // Closed loop: ops in flight at most (0: all at once). Open loop: lanes
  // that serve arrivals (0: up to max_in_flight).
  std::size_t concurrency = 0;
  unsigned threads = 0;  // 0: hardware threads

  // Open loop only.
  double rate = 0;          // offered ops per second
  double duration_s = 1.0;  // length of the arrival schedule
  Arrival arrival = Arrival::constant;
  // Arrived but unfinished ops (running or waiting for a lane) allowed at
  // once; an op due to start beyond it is dropped and counted.
  std::size_t max_in_flight = 1024;

  // This process's part of a load split over `shards` processes (--shard
  // I/N): an open loop keeps every N-th arrival of the common schedule from
  // arrival `shard` on, a closed loop its share of `ops`.
  unsigned shard = 0;
  unsigned shards = 1;

  bool open() const { return mode == LoadMode::open; }
  std::size_t requested_concurrency() const {
    if (open()) {
      const std::size_t lanes = concurrency == 0 ? max_in_flight : concurrency;
      return lanes > ops ? (ops == 0 ? 1 : ops) : lanes;
    }
    return concurrency == 0 || concurrency > ops ? ops : concurrency;
  }
};

}  // namespace apb
