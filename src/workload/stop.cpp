#include "apbench/stop.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace apb {

bool sleep_until(const std::stop_token& stop,
                 std::chrono::steady_clock::time_point deadline) {
  if (!stop.stop_possible()) {
    std::this_thread::sleep_until(deadline);
    return true;
  }
  // condition_variable_any wakes when the token is stopped (it registers a
  // stop_callback for the wait); nothing else ever notifies it.
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

bool sleep_for(const std::stop_token& stop, std::chrono::nanoseconds duration) {
  // Nothing to wait for (io.sleep at delay 0): no clock read, no wait.
  if (duration <= std::chrono::nanoseconds::zero())
    return !stop.stop_requested();
  return sleep_until(
      stop, std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    duration));
}

}  // namespace apb
