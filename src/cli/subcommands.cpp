#include "subcommands.hpp"

namespace apb::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> all{
      {"compare", "compare BASE.json NEW.json [MORE.json...]",
       "did it get slower? match the runs of results files and test each "
       "change (see apbench compare --help)",
       run_compare},
  };
  return all;
}

const Subcommand* find_subcommand(std::string_view word) {
  for (const auto& s : subcommands())
    if (s.name == word) return &s;
  return nullptr;
}

}  // namespace apb::cli
