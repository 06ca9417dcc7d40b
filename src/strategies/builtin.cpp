#include "builtin.hpp"

#include "apbench/registry.hpp"

namespace apb {

void register_builtin_strategies(Registry& registry) {
  // The canonical order: baseline first, then from "waits overlap" to
  // "cores work together" to both.
  registry.add_strategy(make_sequential_strategy());
  registry.add_strategy(make_async_strategy());
  registry.add_strategy(make_async_pool_strategy());
  registry.add_strategy(make_threads_strategy());
  registry.add_strategy(make_parallel_strategy());
  registry.add_strategy(make_openmp_strategy());
  registry.add_strategy(make_hybrid_strategy());
  registry.add_strategy(make_tbb_pipeline_strategy());
}

}  // namespace apb
