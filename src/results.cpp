#include "apbench/results.hpp"

namespace apb {

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::ok:
      return "ok";
    case RunStatus::not_applicable:
      return "n/a";
    case RunStatus::failed:
      return "failed";
  }
  return "?";
}

}  // namespace apb
