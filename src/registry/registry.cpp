#include "apbench/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "apbench/error.hpp"
#include "text/names.hpp"

namespace apb {
namespace {

// Dotted lower-case names: "io.sleep", "hybrid.fetch_process".
bool valid_workload_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  if (name.find('.') == std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

bool Registry::add_workload(WorkloadInfo info, WorkloadFactory make,
                            bool optimized) {
  if (!valid_workload_name(info.name))
    throw std::logic_error("workload name '" + info.name +
                           "' must be dotted lower case, e.g. io.sleep");
  if (find_workload(info.name) != nullptr)
    throw std::logic_error("workload '" + info.name + "' registered twice");
  if ((info.forms &
       (form_async | form_blocking | form_kernel | form_fork_join)) == 0)
    throw std::logic_error("workload '" + info.name + "' declares no op form");
  Params validate_defaults(info.params);  // throws on a bad default
  workloads_.push_back(std::make_unique<WorkloadEntry>(
      WorkloadEntry{std::move(info), std::move(make), optimized}));
  return true;
}

bool Registry::add_strategy(std::unique_ptr<Strategy> strategy) {
  // Lower case, digits and '-': --strategy takes comma-separated lists.
  const std::string_view name = strategy->name();
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      }))
    throw std::logic_error("strategy name '" + std::string(name) +
                           "' must be lower case letters, digits and '-'");
  if (find_strategy(strategy->name()) != nullptr)
    throw std::logic_error("strategy '" + std::string(strategy->name()) +
                           "' registered twice");
  strategies_.push_back(std::move(strategy));
  return true;
}

std::vector<const WorkloadEntry*> Registry::workloads() const {
  std::vector<const WorkloadEntry*> out;
  for (const auto& w : workloads_) out.push_back(w.get());
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->info.name < b->info.name;
  });
  return out;
}

std::vector<const Strategy*> Registry::strategies() const {
  std::vector<const Strategy*> out;
  for (const auto& s : strategies_) out.push_back(s.get());
  // By execution model, from one thread to many moving parts, then simplest
  // first, then by name: registration order depends on link order (every
  // strategy, built-in or not, registers itself in a static initialiser).
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    const StrategyTraits ta = a->traits(), tb = b->traits();
    if (ta.model != tb.model) return ta.model < tb.model;
    if (ta.simplicity != tb.simplicity) return ta.simplicity < tb.simplicity;
    return a->name() < b->name();
  });
  return out;
}

const WorkloadEntry* Registry::find_workload(std::string_view name) const {
  for (const auto& w : workloads_)
    if (w->info.name == name) return w.get();
  return nullptr;
}

const Strategy* Registry::find_strategy(std::string_view name) const {
  for (const auto& s : strategies_)
    if (s->name() == name) return s.get();
  return nullptr;
}

const WorkloadEntry& Registry::workload(std::string_view name) const {
  if (const auto* w = find_workload(name)) return *w;
  throw UsageError(unknown_name_message("workload", name, workload_names()));
}

const Strategy& Registry::strategy(std::string_view name) const {
  if (const auto* s = find_strategy(name)) return *s;
  throw UsageError(unknown_name_message("strategy", name, strategy_names()));
}

std::vector<std::string> Registry::workload_names() const {
  std::vector<std::string> out;
  for (const auto* w : workloads()) out.push_back(w->info.name);
  return out;
}

std::vector<std::string> Registry::strategy_names() const {
  std::vector<std::string> out;
  for (const auto* s : strategies()) out.emplace_back(s->name());
  return out;
}

}  // namespace apb
