#pragma once
// What a strategy declares about itself. The analysis, diagnoses, advice,
// reports and charts read these facts, never a strategy's name, so a
// user's strategy is treated exactly like a built-in one. Each run's
// results carry its strategy's traits (JSON key `strategy_traits`). Needs
// no Asio: results.hpp includes it.
#include <optional>
#include <string_view>

namespace apb {

// How a strategy runs its ops, from one thread to many moving parts. The
// registry lists strategies in this order (then in registration order).
enum class ExecutionModel {
  calling_thread,   // one op after another on the calling thread
  event_loop,       // coroutines on one event-loop thread
  event_loop_pool,  // coroutines on a pool of event-loop threads
  thread_per_op,    // a thread of its own for each op in flight
  task_pool,        // blocking ops on a pool of worker threads (oneTBB)
  loop_and_pool,    // waits on an event loop, CPU work offloaded to a pool
  pipeline,         // ops flow through stages run by a pool's workers
  other,            // none of these (a user's runtime, say)
};

// "calling_thread", "event_loop", ...: the JSON spelling.
std::string_view to_string(ExecutionModel model);
std::optional<ExecutionModel> execution_model_from_string(
    std::string_view text);
// A few words for reports: "one event-loop thread", "a pool of workers".
std::string_view describe(ExecutionModel model);

struct StrategyTraits {
  ExecutionModel model = ExecutionModel::other;
  // Runs one op at a time on the calling thread: the reference every
  // speed-up is measured against (`speedup_vs_sequential`). One per run.
  bool baseline = false;
  // Has an event loop whose lag apbench measures (a heartbeat timer).
  bool event_loop = false;
  // A fixed pool of worker threads that a blocking wait holds: such a pool
  // can starve (ops in flight far below the load) or idle its cores.
  bool blocking_workers = false;
  // Moves CPU work off its event loop onto other threads (`await Task.Run`).
  bool offloads_cpu = false;
  // Computes on one thread whatever `--threads` says: no scaling fit.
  bool one_thread = false;
  // How simple it is to adopt, 0 the simplest: between statistical ties
  // the advice picks the simplest.
  int simplicity = 100;

  bool operator==(const StrategyTraits&) const = default;
};

}  // namespace apb
