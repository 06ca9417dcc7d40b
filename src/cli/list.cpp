#include "list.hpp"

#include <fmt/ostream.h>

#include <ostream>

#include "apbench/registry.hpp"

namespace apb::cli {

void print_list(std::ostream& out) {
  const auto& registry = Registry::instance();
  fmt::print(out, "Workloads\n");
  for (const auto* w : registry.workloads()) {
    const auto& info = w->info;
    fmt::print(out, "\n  {:<24} {:<7} {}\n", info.name, to_string(info.kind),
               info.description);
    fmt::print(out, "  {:<24} forms: {}; default ops: {}, in flight: {}\n", "",
               forms_to_string(info.forms), info.default_ops,
               info.default_concurrency == 0
                   ? std::string("all")
                   : std::to_string(info.default_concurrency));
    for (const auto& p : info.params)
      fmt::print(out, "  {:<24}   {:<14} default {:<8} ({}) {}\n", "", p.name,
                 p.default_value, p.unit(), p.help);
  }
  fmt::print(out, "\nStrategies\n\n");
  for (const auto* s : registry.strategies())
    fmt::print(out, "  {:<12} {}\n", s->name(), s->description());
  fmt::print(out,
             "\nSet a parameter with --set NAME=VALUE (e.g. --set delay=100ms)."
             "\n");
}

}  // namespace apb::cli
