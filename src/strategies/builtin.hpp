#pragma once
// The strategies apbench ships, registered when the registry is created
// (a static library would drop self-registering objects nobody references).
#include <memory>

#include "apbench/strategy.hpp"

namespace apb {
class Registry;
void register_builtin_strategies(Registry& registry);

std::unique_ptr<Strategy> make_sequential_strategy();
std::unique_ptr<Strategy> make_async_strategy();
std::unique_ptr<Strategy> make_async_pool_strategy();
std::unique_ptr<Strategy> make_threads_strategy();
std::unique_ptr<Strategy> make_parallel_strategy();
std::unique_ptr<Strategy> make_openmp_strategy();
std::unique_ptr<Strategy> make_hybrid_strategy();
std::unique_ptr<Strategy> make_tbb_pipeline_strategy();
}  // namespace apb
