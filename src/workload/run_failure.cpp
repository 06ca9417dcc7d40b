#include "apbench/run_failure.hpp"

#include <utility>

namespace apb {

void RunFailure::fail(std::string reason) {
  {
    const std::lock_guard lock(mutex_);
    if (reason_) return;
    reason_ = std::move(reason);
  }
  stop_.request_stop();  // after the reason is there to be read
}

std::optional<std::string> RunFailure::reason() const {
  const std::lock_guard lock(mutex_);
  return reason_;
}

}  // namespace apb
