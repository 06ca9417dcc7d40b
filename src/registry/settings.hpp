#pragma once
// --set: NAME=VALUE applies to every selected workload that has NAME;
// WORKLOAD.NAME=VALUE (e.g. io.sleep.delay=5ms) to that workload only, and
// wins over NAME=VALUE whatever their order. A VALUE that is a list or a
// range (sweep_values.hpp) sweeps the parameter instead.
#include <string>
#include <vector>

#include "apbench/params.hpp"
#include "apbench/registry.hpp"

namespace apb {

struct Setting {
  std::string workload;  // empty: every selected workload with `name`
  std::string name;
  std::string value;
};

// Parses and checks every --set against the selected workloads: an unknown
// workload or parameter is a UsageError naming what is accepted.
std::vector<Setting> parse_settings(
    const std::vector<std::string>& sets,
    const std::vector<const WorkloadEntry*>& selected);

// Sets `workload`'s parameters: unqualified settings first, then its own;
// swept ones (lists and ranges) are left to swept_parameters.
void apply_settings(const std::vector<Setting>& settings,
                    const WorkloadEntry& workload, Params& params);

// A parameter of a workload given two or more values.
struct SweptParameter {
  std::string name;
  std::vector<std::string> values;  // in sweep order (ascending numbers)
};

// The parameters `settings` sweep for `workload`, in the order they were
// first given; its own setting replaces an unqualified one of the name.
std::vector<SweptParameter> swept_parameters(
    const std::vector<Setting>& settings, const WorkloadEntry& workload);

}  // namespace apb
