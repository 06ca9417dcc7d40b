#pragma once
// Turns checked options into a Plan (apbench/plan.hpp) of sweeps to measure.
#include <string>

#include "apbench/plan.hpp"
#include "apbench/series.hpp"
#include "options.hpp"

namespace apb::cli {

// Throws UsageError for anything wrong, before anything runs. `map`: the
// plan has a regime map (two swept axes), whose borders --refine bisects.
RunSettings common_settings(const Options& options, bool sweeping,
                            bool map = false);
Plan plan_from_options(const Options& options);

// The default suite (no selection on the command line): see suite.cpp.
Plan default_suite(const RunSettings& settings);

// Applies a "name=value" setting to `params`. Throws UsageError for a
// malformed setting or a bad value.
void apply_setting(Params& params, const std::string& setting);

}  // namespace apb::cli
