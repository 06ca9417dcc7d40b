// openmp: OpenMP (GCC's libgomp). One parallel region per batch with a team
// of T threads (--threads); each lane (op in flight) is an explicit task of
// that team, running its ops one after another like parallel's lanes. An
// op's CPU kernel is split again with a taskloop (a worksharing `omp for`
// cannot be nested inside the region's tasks), fork-join children are
// `omp task`s joined with taskwait (taskgroup for more than two). Blocking
// I/O holds a team thread.
//
// Lanes are tied tasks: OpenMP's task scheduling constraint lets a thread
// that waits inside one (for its kernel's pieces or its children) run only
// that lane's descendants, so a thread never starts a second lane's op
// while one of its own is suspended; its thread number is a recording slot
// no other running op uses (what tbb::this_task_arena::isolate gives
// parallel).
//
// libgomp's idle threads spin before they sleep: by default for about
// 300 000 pause instructions (a few ms), long enough to make a task's
// hand-off cheap inside a run and too short to matter to the next run. That
// default is kept. When the environment asks for longer spinning
// (OMP_WAIT_POLICY=active spins for minutes, or any GOMP_SPINCOUNT), every
// batch ends with omp_pause_resource_all(omp_pause_soft), which in libgomp
// ends the team's threads, so none spins into the next run. apbench cannot
// set the policy itself: libgomp reads it when it is loaded, before main()
// (docs/strategies.md).
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "apbench/batch.hpp"
#include "apbench/detail/tsan.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"

namespace apb {
namespace {

// The pieces a kernel is cut into per thread of the team: enough for the
// threads to even out uneven pieces (Mandelbrot rows), few enough that a
// piece's hand-off costs nothing beside it.
constexpr std::size_t kPiecesPerThread = 8;

// libgomp is not instrumented: ThreadSanitizer cannot see it hand a task
// to a thread, nor a taskwait see the task finish. Each task body receives
// this token on entry and publishes it on the way out; whoever creates a
// task publishes first, and whoever waits receives after (the same scheme
// as the oneTBB hand-offs in apbench/detail/tsan.hpp).
char omp_handoff_token = 0;
void publish() { detail::tsan_release(&omp_handoff_token); }
void receive() { detail::tsan_acquire(&omp_handoff_token); }

// Whether the environment makes libgomp's idle threads spin longer than
// its default (see the top of this file).
bool spins_long() {
  if (std::getenv("GOMP_SPINCOUNT") != nullptr) return true;
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  if (policy == nullptr) return false;
  std::string_view text(policy);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0])))
    text.remove_prefix(1);
  return !text.empty() && (text[0] == 'a' || text[0] == 'A');  // active
}

// An exception must not leave an OpenMP task or region (the program would
// end): the first one is kept here and thrown again after the join.
class FirstError {
 public:
  void keep(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
  }
  void rethrow() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

// Runs `child` in a task body: hand-off annotations and exceptions kept.
void run_child(ForkTask* child, ForkJoin& model, FirstError& errors) {
  receive();
  try {
    child->run(model);
  } catch (...) {
    errors.keep(std::current_exception());
  }
  publish();
}

// Fork-join: the first of two children an `omp task`, the second called on
// this thread, then taskwait; N children: N - 1 tasks and the last called
// here, in a taskgroup.
class OmpForkJoin final : public ForkJoin {
 public:
  std::string_view name() const override {
    return "omp task + taskwait / taskgroup";
  }
  void join(ForkTasks children) override {
    FirstError errors;
    switch (children.size()) {
      case 0:
        return;
      case 1:
        children[0]->run(*this);
        return;
      case 2: {
        ForkTask* first = children[0];
        ForkJoin* self = this;
        publish();
#pragma omp task default(none) firstprivate(first, self) shared(errors)
        run_child(first, *self, errors);
        run_child(children[1], *this, errors);
#pragma omp taskwait
        break;
      }
      default: {
        ForkJoin* self = this;
        publish();
#pragma omp taskgroup
        {
          for (std::size_t i = 0; i + 1 < children.size(); ++i) {
            ForkTask* child = children[i];
#pragma omp task default(none) firstprivate(child, self) shared(errors)
            run_child(child, *self, errors);
          }
          run_child(children.back(), *this, errors);
        }
      }
    }
    receive();
    errors.rethrow();
  }
};

// An op's kernel cut into pieces run by a taskloop over the whole team
// (the region's worksharing `omp for` cannot nest inside its tasks); each
// piece leaves its digest in its own entry, added up after the loop.
class OmpCompute final : public ComputePolicy {
 public:
  std::string_view name() const override { return "omp taskloop"; }
  ForkJoin& fork_join() override { return model_; }

  std::uint64_t run(std::size_t items, const Kernel& kernel) override {
    const auto team = static_cast<std::size_t>(omp_get_num_threads());
    if (team <= 1 || items <= 1) return kernel(IndexRange{0, items});
    const std::size_t pieces = std::min(items, team * kPiecesPerThread);
    std::vector<std::uint64_t> digests(pieces);
    FirstError errors;
    publish();
#pragma omp taskloop default(none) shared(kernel, errors, digests, items) \
    firstprivate(pieces) grainsize(1)
    for (std::size_t piece = 0; piece < pieces; ++piece) {
      receive();
      try {
        digests[piece] = kernel(
            IndexRange{piece * items / pieces, (piece + 1) * items / pieces});
      } catch (...) {
        errors.keep(std::current_exception());
      }
      publish();
    }
    receive();
    errors.rethrow();
    std::uint64_t digest = 0;
    for (const std::uint64_t d : digests) digest += d;
    return digest;
  }
  asio::awaitable<std::uint64_t> run_async(std::size_t items,
                                           const Kernel& kernel) override {
    co_return run(items, kernel);
  }

 private:
  OmpForkJoin model_;
};

// One batch's parallel region. The team finds it through an atomic
// pointer rather than through execute()'s variables: GCC hands a region's
// shared variables to the team in a block on the caller's stack, which
// each thread reads on entry, before anything in the region could tell
// ThreadSanitizer that libgomp published it; the atomic it sees. One region
// at a time (batches of one process run one after another anyway).
class Region {
 public:
  Region(Batch& batch, Workload& workload)
      : batch_(batch), workload_(workload) {}

  void run(int threads) {
    const std::lock_guard one_at_a_time(mutex());
    current().store(this, std::memory_order_release);
#pragma omp parallel num_threads(threads)
    current().load(std::memory_order_acquire)->lanes();
    receive();  // what the lanes published
  }

  FirstError errors;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::atomic<Region*>& current() {
    static std::atomic<Region*> region{nullptr};
    return region;
  }

  // Run by every thread of the team: one makes a task per lane; every
  // thread (that one too, once done) takes lanes, and kernel pieces, at the
  // end of `single`.
  void lanes() {
#pragma omp single
    for (std::size_t i = 0; i < batch_.concurrency(); ++i) {
      Region* self = this;
      publish();
#pragma omp task default(none) firstprivate(i, self)
      self->lane(i);
    }
    publish();  // what this thread read, before the region's end
  }

  void lane(std::size_t index) {
    receive();
    try {
      LaneState lane(index);
      const auto slot = static_cast<unsigned>(omp_get_thread_num());
      while (const auto op = batch_.claim())
        batch_.run_lane_op(workload_, *op, compute_, slot, lane);
    } catch (...) {  // outside an op (out of memory, say)
      errors.keep(std::current_exception());
      batch_.stop();
    }
    publish();
  }

  Batch& batch_;
  Workload& workload_;
  OmpCompute compute_;
};

class OpenmpStrategy final : public Strategy {
 public:
  OpenmpStrategy() : spins_long_(spins_long()) {}
  std::string_view name() const override { return "openmp"; }
  std::string_view description() const override {
    return "OpenMP: ops as tasks of a team of T threads, a taskloop inside "
           "an op's CPU kernel, omp task + taskwait for fork-join; blocking "
           "I/O holds a thread";
  }
  StrategyTraits traits() const override {
    // Simplicity 3: a pragma is quick to write, but it needs the compiler's
    // OpenMP mode and runtime, an exception must never leave a task or a
    // region, and a loop inside a region's tasks must be a taskloop, not
    // the familiar `omp for`: more to know than oneTBB's calls (2).
    return {.model = ExecutionModel::task_pool,
            .blocking_workers = true,
            .simplicity = 3};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_blocking(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return std::min<std::size_t>(load.requested_concurrency(), load.threads);
  }
  Recording recording(const Load& load) const override {
    return {load.threads, false};  // one slot per thread of the team
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    Region region(batch, workload);
    region.run(static_cast<int>(batch.threads()));
    // libgomp ends the team's threads here: none spins on into whatever
    // runs next.
    if (spins_long_) omp_pause_resource_all(omp_pause_soft);
    region.errors.rethrow();
  }

 private:
  bool spins_long_;  // read once: libgomp read it once too
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(OpenmpStrategy);

}  // namespace apb
