#include "apbench/load.hpp"

namespace apb {

std::string_view to_string(LoadMode mode) {
  return mode == LoadMode::open ? "open" : "closed";
}

std::string_view to_string(Arrival arrival) {
  return arrival == Arrival::poisson ? "poisson" : "constant";
}

}  // namespace apb
