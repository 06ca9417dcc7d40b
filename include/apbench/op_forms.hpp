#pragma once
// Which op forms a workload can be run in, counting the kernel and
// fork-join forms (the framework derives blocking and async ops from them).
#include <optional>
#include <string>

#include "apbench/workload.hpp"

namespace apb {

inline bool has_blocking_form(const WorkloadInfo& info) {
  return (info.forms & (form_blocking | form_kernel | form_fork_join)) != 0;
}
inline bool has_async_form(const WorkloadInfo& info) {
  return (info.forms & (form_async | form_kernel | form_fork_join)) != 0;
}

inline std::optional<std::string> needs_blocking(const WorkloadInfo& info) {
  if (has_blocking_form(info)) return std::nullopt;
  return "workload has no blocking form (it provides: " +
         forms_to_string(info.forms) + ")";
}
inline std::optional<std::string> needs_async(const WorkloadInfo& info) {
  if (has_async_form(info)) return std::nullopt;
  return "workload has no async form (it provides: " +
         forms_to_string(info.forms) + ")";
}

}  // namespace apb
