#include "registry/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "apbench/error.hpp"
#include "registry/sweep_values.hpp"
#include "text/names.hpp"

namespace apb {
namespace {

Setting split(const std::string& text) {
  const auto eq = text.find('=');
  // Parameter names have no dots; workload names do (io.sleep).
  const auto dot = text.rfind('.', eq);
  if (eq == std::string::npos || eq == 0 || dot == 0 || dot + 1 == eq)
    throw UsageError(fmt::format(
        "bad --set '{}': expected NAME=VALUE or WORKLOAD.NAME=VALUE, e.g. "
        "--set delay=500ms or --set io.sleep.delay=500ms",
        text));
  Setting s;
  s.name = text.substr(0, eq);
  s.value = text.substr(eq + 1);
  if (dot != std::string::npos) {
    s.workload = s.name.substr(0, dot);
    s.name = s.name.substr(dot + 1);
  }
  return s;
}

std::vector<std::string> parameter_names(const WorkloadEntry& w) {
  std::vector<std::string> out;
  for (const auto& p : w.info.params) out.push_back(p.name);
  return out;
}

void check_qualified(const Setting& s,
                     const std::vector<const WorkloadEntry*>& selected) {
  const auto it =
      std::find_if(selected.begin(), selected.end(),
                   [&](const auto* w) { return w->info.name == s.workload; });
  if (it == selected.end()) {
    if (Registry::instance().find_workload(s.workload))
      throw UsageError(fmt::format(
          "--set {}.{}: workload '{}' is not selected (add it to --filter)",
          s.workload, s.name, s.workload));
    std::vector<std::string> names;
    for (const auto* w : selected) names.push_back(w->info.name);
    throw UsageError(
        fmt::format("--set {}.{}: {}", s.workload, s.name,
                    unknown_name_message("workload", s.workload, names)));
  }
  if (!Params((*it)->info.params).has(s.name))
    throw UsageError(
        unknown_name_message(fmt::format("parameter of {}", s.workload), s.name,
                             parameter_names(**it)));
}

void check_unqualified(const Setting& s,
                       const std::vector<const WorkloadEntry*>& selected) {
  const bool known = std::any_of(
      selected.begin(), selected.end(),
      [&](const auto* w) { return Params(w->info.params).has(s.name); });
  if (known) return;
  std::set<std::string> all;
  for (const auto* w : selected)
    for (const auto& p : w->info.params) all.insert(p.name);
  throw UsageError(unknown_name_message(
      "parameter", s.name, std::vector<std::string>(all.begin(), all.end())));
}

const ParamSpec* spec_of(const WorkloadEntry& w, std::string_view name) {
  for (const auto& p : w.info.params)
    if (p.name == name) return &p;
  return nullptr;
}

// The setting's values for workload `w`'s parameter (one: not swept).
std::vector<std::string> values_for(const Setting& s, const WorkloadEntry& w) {
  const ParamSpec* spec = spec_of(w, s.name);
  return spec ? sweep_values(*spec, s.value)
              : std::vector<std::string>{s.value};
}

bool applies(const Setting& s, const WorkloadEntry& w) {
  return (s.workload.empty() || s.workload == w.info.name) &&
         spec_of(w, s.name) != nullptr;
}

}  // namespace

std::vector<Setting> parse_settings(
    const std::vector<std::string>& sets,
    const std::vector<const WorkloadEntry*>& selected) {
  std::vector<Setting> out;
  for (const auto& text : sets) {
    Setting s = split(text);
    if (s.workload.empty())
      check_unqualified(s, selected);
    else
      check_qualified(s, selected);
    // A bad list or range is refused now, before anything runs.
    for (const auto* w : selected)
      if (applies(s, *w)) values_for(s, *w);
    out.push_back(std::move(s));
  }
  return out;
}

void apply_settings(const std::vector<Setting>& settings,
                    const WorkloadEntry& workload, Params& params) {
  const auto single = [&](const Setting& s) {
    return values_for(s, workload).size() == 1;
  };
  for (const auto& s : settings)
    if (s.workload.empty() && params.has(s.name) && single(s))
      params.set(s.name, s.value);
  for (const auto& s : settings)
    if (s.workload == workload.info.name && single(s))
      params.set(s.name, s.value);
}

std::vector<SweptParameter> swept_parameters(
    const std::vector<Setting>& settings, const WorkloadEntry& workload) {
  std::vector<SweptParameter> out;
  for (const auto& s : settings) {
    if (!applies(s, workload)) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& p) { return p.name == s.name; });
    // The workload's own setting wins whatever the order; a later
    // unqualified one does not replace it.
    const bool own = s.workload == workload.info.name;
    const bool has_own =
        std::any_of(settings.begin(), settings.end(), [&](const Setting& o) {
          return o.workload == workload.info.name && o.name == s.name;
        });
    if (!own && has_own) continue;
    auto values = values_for(s, workload);
    if (values.size() < 2) {
      if (it != out.end()) out.erase(it);  // a later single value wins
      continue;
    }
    if (it == out.end())
      out.push_back({s.name, std::move(values)});
    else
      it->values = std::move(values);
  }
  return out;
}

}  // namespace apb
