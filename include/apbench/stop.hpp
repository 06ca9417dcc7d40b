#pragma once
// Stopping a run early (Ctrl-C): the engine passes a std::stop_token from
// run_plan (PlanCallbacks::stop) or a RunRequest down to the batch, the
// strategies and each op. These waits end as soon as a stop is requested,
// so a blocking op or an open loop's wait for its due time never outlasts
// the request.
#include <chrono>
#include <stop_token>

namespace apb {

// Sleeps until `deadline`, or less when `stop` is requested; false then.
bool sleep_until(const std::stop_token& stop,
                 std::chrono::steady_clock::time_point deadline);
// Sleeps `duration`, or less when `stop` is requested; false then.
bool sleep_for(const std::stop_token& stop, std::chrono::nanoseconds duration);

}  // namespace apb
