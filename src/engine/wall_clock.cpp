#include "engine/wall_clock.hpp"

#include <atomic>
#include <chrono>

namespace apb {
namespace {
// Set once at start-up, before any run's threads exist; atomic so a reader
// on a worker thread never races the writer under TSan.
std::atomic<double> offset_s{0.0};
}  // namespace

double wall_clock_unix_s() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         offset_s.load(std::memory_order_relaxed);
}

void set_wall_clock_offset(double seconds) {
  offset_s.store(seconds, std::memory_order_relaxed);
}

double wall_clock_offset() { return offset_s.load(std::memory_order_relaxed); }

}  // namespace apb
