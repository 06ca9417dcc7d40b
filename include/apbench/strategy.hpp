#pragma once
// A strategy executes a batch of ops: sequentially, as coroutines, on
// threads, on oneTBB, or as a hybrid of coroutines and oneTBB.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "apbench/batch.hpp"
#include "apbench/strategy_traits.hpp"
#include "apbench/workload.hpp"

namespace apb {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;  // one line for --list
  // What the analysis, advice and charts know of it (strategy_traits.hpp).
  virtual StrategyTraits traits() const = 0;

  // Why this strategy cannot run the workload, or nullopt when it can.
  virtual std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const = 0;

  // Ops in flight at once for this load (sequential: 1; parallel: at most
  // the threads; async: the requested concurrency).
  virtual std::size_t effective_concurrency(const Load& load) const = 0;

  // Threads this strategy computes on for this load (sequential and async:
  // one); fork-join results charge each of them for the whole wall time.
  virtual unsigned compute_threads(const Load& load) const {
    return load.threads;
  }

  // How the batch keeps per-worker records for this strategy: `slots`
  // records, shared (mutex-guarded) or one per worker thread.
  struct Recording {
    unsigned slots = 1;
    bool shared = false;
  };
  virtual Recording recording(const Load& load) const {
    (void)load;
    return {};
  }

  // Runs every op of the batch exactly once (each op's failure is recorded
  // by the batch, not thrown). Throws only when the strategy itself fails
  // (e.g. cannot create a thread); the batch is then incomplete.
  virtual void execute(const WorkloadInfo& info, Workload& workload,
                       Batch& batch) const = 0;
};

}  // namespace apb
