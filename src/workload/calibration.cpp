#include "apbench/calibration.hpp"

#include <map>
#include <memory>

namespace apb::detail {

CalibrationSlot& calibration_slot(std::string_view key, const Params& params) {
  // The cache key: the caller's key, then name=value of every parameter,
  // separated by a byte no key or canonical value contains.
  std::string id(key);
  for (const auto& [name, value] : params.values()) {
    id += '\x1f';
    id += name;
    id += '=';
    id += value;
  }
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<CalibrationSlot>> slots;
  std::lock_guard lock(mutex);
  auto& slot = slots[id];
  if (!slot) slot = std::make_unique<CalibrationSlot>();
  return *slot;
}

}  // namespace apb::detail
