#pragma once
// Calibration measured once per process and parameter set. setup() runs
// once per run, i.e. once per strategy: a workload that times something
// there (how long one op's CPU work takes on this machine) would report a
// slightly different ideal under each strategy. calibrate_once() measures
// on the first call and hands every later run with the same parameters the
// same value, so efficiencies are comparable across strategies.
#include <any>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "apbench/params.hpp"

namespace apb {
namespace detail {

// One cached measurement. The slot's mutex is held while measuring, so
// concurrent callers of one key wait for the first measurement instead of
// measuring again; other keys are not blocked.
struct CalibrationSlot {
  std::mutex mutex;
  std::any value;  // empty until measured (or after a measurement threw)
};

// The process-wide slot of (key, every parameter value); never freed, so
// references to its value stay valid for the life of the process.
CalibrationSlot& calibration_slot(std::string_view key, const Params& params);

}  // namespace detail

// Returns the value `measure()` (returning T) produced on the first call
// with this key and these parameter values; later calls return it without
// measuring. `key` names the quantity and should start with the workload's
// name ("cpu.mandelbrot/serial image"), since parameter values alone do not
// tell workloads apart. Thread-safe. If `measure` throws, nothing is cached
// and the next call measures again. Using one key with two types throws
// std::logic_error.
template <class T, class F>
const T& calibrate_once(const Params& params, std::string_view key,
                        F&& measure) {
  detail::CalibrationSlot& slot = detail::calibration_slot(key, params);
  std::lock_guard lock(slot.mutex);
  if (!slot.value.has_value()) slot.value = T(std::forward<F>(measure)());
  const T* value = std::any_cast<T>(&slot.value);
  if (value == nullptr)
    throw std::logic_error("calibrate_once: key '" + std::string(key) +
                           "' was first calibrated with another type");
  return *value;
}

}  // namespace apb
