#include "list.hpp"

#include <fmt/ostream.h>

#include <ostream>
#include <string>
#include <string_view>

#include "apbench/registry.hpp"
#include "text/wrap.hpp"

namespace apb::cli {

namespace {

// `lead` then `text`, wrapped at `width` with later lines indented to
// `indent` columns, so long descriptions stay readable on a narrow screen.
void print_wrapped(std::ostream& out, const std::string& lead,
                   std::string_view text, std::size_t width,
                   std::size_t indent) {
  for (const auto& line : wrap(text, width, lead, std::string(indent, ' ')))
    fmt::print(out, "{}\n", line);
}

}  // namespace

void print_list(std::ostream& out, std::size_t width) {
  const auto& registry = Registry::instance();
  fmt::print(out, "Workloads\n");
  for (const auto* w : registry.workloads()) {
    const auto& info = w->info;
    fmt::print(out, "\n");
    print_wrapped(
        out, fmt::format("  {:<24} {:<7} ", info.name, to_string(info.kind)),
        info.description, width, 35);
    print_wrapped(out, fmt::format("  {:<24} ", ""),
                  fmt::format("forms: {}; default ops: {}, in flight: {}",
                              forms_to_string(info.forms), info.default_ops,
                              info.default_concurrency == 0
                                  ? std::string("all")
                                  : std::to_string(info.default_concurrency)),
                  width, 27);
    for (const auto& p : info.params)
      print_wrapped(out,
                    fmt::format("  {:<24}   {:<14} default {:<8} ({}) ", "",
                                p.name, p.default_value, p.unit()),
                    p.help, width, 44);
  }
  fmt::print(out, "\nStrategies\n\n");
  for (const auto* s : registry.strategies())
    print_wrapped(out, fmt::format("  {:<12} ", s->name()), s->description(),
                  width, 15);
  fmt::print(out,
             "\nSet a parameter with --set NAME=VALUE (e.g. --set delay=100ms)."
             "\n");
}

}  // namespace apb::cli
