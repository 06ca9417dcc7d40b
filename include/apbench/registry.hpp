#pragma once
// The registry of workloads and strategies. Built-in workloads and
// strategies register through APB_REGISTER_WORKLOAD and
// APB_REGISTER_STRATEGY exactly as a user's do.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/strategy.hpp"
#include "apbench/workload.hpp"

namespace apb {

using WorkloadFactory = std::function<std::unique_ptr<Workload>()>;

struct WorkloadEntry {
  WorkloadInfo info;
  WorkloadFactory make;
  // Whether the translation unit that registered it was compiled with
  // optimisation (APB_REGISTER_WORKLOAD reads __OPTIMIZE__ there): a
  // user's workload built without -O runs its CPU work several times
  // slower than apbench's own Release build would suggest.
  bool optimized = true;
};

class Registry {
 public:
  static Registry& instance();

  // Throws std::logic_error on a duplicate or malformed name.
  bool add_workload(WorkloadInfo info, WorkloadFactory make,
                    bool optimized = true);
  bool add_strategy(std::unique_ptr<Strategy> strategy);

  // Sorted by name.
  std::vector<const WorkloadEntry*> workloads() const;
  // In the canonical order (sequential first).
  std::vector<const Strategy*> strategies() const;

  // nullptr when unknown.
  const WorkloadEntry* find_workload(std::string_view name) const;
  const Strategy* find_strategy(std::string_view name) const;
  // Throw UsageError with the nearest name when unknown.
  const WorkloadEntry& workload(std::string_view name) const;
  const Strategy& strategy(std::string_view name) const;

  std::vector<std::string> workload_names() const;
  std::vector<std::string> strategy_names() const;

 private:
  Registry() = default;
  std::vector<std::unique_ptr<WorkloadEntry>> workloads_;
  std::vector<std::unique_ptr<Strategy>> strategies_;
};

}  // namespace apb

#define APB_CONCAT_INNER(a, b) a##b
#define APB_CONCAT(a, b) APB_CONCAT_INNER(a, b)

// Whether the translation unit including this header is optimised.
#ifdef __OPTIMIZE__
#define APB_TU_OPTIMIZED true
#else
#define APB_TU_OPTIMIZED false
#endif

// Registers workload class T, which must have `static WorkloadInfo info()`
// and be default-constructible. Use at namespace scope in a .cpp file.
#define APB_REGISTER_WORKLOAD(T)                                             \
  [[maybe_unused]] static const bool APB_CONCAT(apb_registered_,             \
                                                __COUNTER__) =               \
      ::apb::Registry::instance().add_workload(                              \
          T::info(), [] { return std::unique_ptr<::apb::Workload>(new T); }, \
          APB_TU_OPTIMIZED)

// Registers strategy class T (derived from apb::Strategy, default-
// constructible): `apbench --strategy` then knows it by T's name(), and the
// analysis, advice and charts by its traits(). Use at namespace scope in a
// .cpp file linked whole into the executable (see docs/extending.md).
#define APB_REGISTER_STRATEGY(T)                                              \
  [[maybe_unused]] static const bool APB_CONCAT(apb_strategy_, __COUNTER__) = \
      ::apb::Registry::instance().add_strategy(std::make_unique<T>())
