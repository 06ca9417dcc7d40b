#include "apbench/strategy_traits.hpp"

#include <array>
#include <utility>

namespace apb {
namespace {

struct ModelText {
  ExecutionModel model;
  std::string_view name;
  std::string_view words;
};

constexpr std::array<ModelText, 8> kModels = {{
    {ExecutionModel::calling_thread, "calling_thread", "the calling thread"},
    {ExecutionModel::event_loop, "event_loop", "one event-loop thread"},
    {ExecutionModel::event_loop_pool, "event_loop_pool",
     "a pool of event-loop threads"},
    {ExecutionModel::thread_per_op, "thread_per_op", "a thread per op"},
    {ExecutionModel::task_pool, "task_pool", "a pool of worker threads"},
    {ExecutionModel::loop_and_pool, "loop_and_pool",
     "an event loop with a pool for CPU work"},
    {ExecutionModel::pipeline, "pipeline", "a pipeline of stages on a pool"},
    {ExecutionModel::other, "other", "its own runtime"},
}};

}  // namespace

std::string_view to_string(ExecutionModel model) {
  for (const auto& m : kModels)
    if (m.model == model) return m.name;
  return "other";
}

std::optional<ExecutionModel> execution_model_from_string(
    std::string_view text) {
  for (const auto& m : kModels)
    if (m.name == text) return m.model;
  return std::nullopt;
}

std::string_view describe(ExecutionModel model) {
  for (const auto& m : kModels)
    if (m.model == model) return m.words;
  return "its own runtime";
}

}  // namespace apb
