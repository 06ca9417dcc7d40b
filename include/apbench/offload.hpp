#pragma once
// co_await apb::offload(fn) / apb::offload(arena, fn): run CPU work on oneTBB
// and resume the awaiting coroutine on its own executor, the C++ spelling of
// C#'s `await Task.Run(...)`. The io_context thread stays free meanwhile.
//
// Lifetime: the awaiting coroutine is suspended inside a completion handler
// that this offload holds, so it can only be destroyed with its execution
// context (an io_context destroyed while fn is pending). That case is handled
// by OffloadService::shutdown():
//  - an offload whose fn has not started is dropped: fn never runs (its
//    reference captures may point into the destroyed coroutine);
//  - one whose fn is running is waited for: fn may use the coroutine's locals,
//    so the frame must outlive it. The context's destructor blocks until fn
//    returns.
// Either way no oneTBB thread touches the executor once shutdown() returned.
//
// g++ 12 pitfall (a compiler bug, not offload's): a lambda temporary whose
// captures have destructors, written inside the co_await expression
// (`co_await offload([v] {...})`), has those captures destroyed twice. Name
// it first: `auto fn = [v] {...}; co_await offload(std::move(fn));`.
// Captures by reference or of trivial types (ints, pointers) are unaffected.
#include <oneapi/tbb/task_arena.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "apbench/asio.hpp"
#include "apbench/detail/tsan.hpp"

namespace apb {
namespace detail {

// An offload from initiation until its completion is handed to the executor.
struct PendingOffload {
  PendingOffload* prev = nullptr;
  PendingOffload* next = nullptr;
  bool running = false;  // fn has started; guarded by the registry mutex
  // Destroys the handler (the suspended coroutine) and the work guard; only
  // ever called by shutdown(), while the execution context is still alive.
  virtual void discard() noexcept = 0;

 protected:
  ~PendingOffload() = default;
};

// The pending offloads of one execution context. Shared by its service and by
// every offload state, so a oneTBB task can still lock it after the context
// (and its service) are gone.
struct OffloadRegistry {
  std::mutex mutex;
  std::condition_variable idle;  // shutdown() waits on it
  bool shut_down = false;
  PendingOffload* head = nullptr;
  int posting = 0;  // completions being posted (their states are unlinked)

  void link(PendingOffload* p) {
    p->next = head;
    if (head) head->prev = p;
    head = p;
  }
  void unlink(PendingOffload* p) {
    (p->prev ? p->prev->next : head) = p->next;
    if (p->next) p->next->prev = p->prev;
    p->prev = p->next = nullptr;
  }
};

// Registered on the awaiting coroutine's execution context (use_service).
// The context shuts its services down newest first, so this shutdown() runs
// before the scheduler's: posting to it is still valid here, and the
// scheduler then destroys whatever was posted.
class OffloadService final : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  explicit OffloadService(asio::execution_context& ctx)
      : service(ctx), registry_(std::make_shared<OffloadRegistry>()) {}

  const std::shared_ptr<OffloadRegistry>& registry() const { return registry_; }

 private:
  void shutdown() override {
    OffloadRegistry& r = *registry_;
    std::unique_lock lock(r.mutex);
    r.shut_down = true;  // from now on no fn starts
    for (PendingOffload* p = r.head; p != nullptr;) {
      PendingOffload* next = p->next;
      if (!p->running) {
        // Its oneTBB task will see shut_down, skip fn and free the state.
        r.unlink(p);
        p->discard();
      }
      p = next;
    }
    // A running fn may use the coroutine's frame: wait until it returned and
    // posted its completion, which the scheduler's shutdown then destroys.
    r.idle.wait(lock, [&] { return r.head == nullptr && r.posting == 0; });
  }

  std::shared_ptr<OffloadRegistry> registry_;
};

template <typename R>
struct OffloadSignature {
  using type = void(std::exception_ptr, R);
};
template <>
struct OffloadSignature<void> {
  using type = void(std::exception_ptr);
};

// Lives on the heap from initiation to completion: oneTBB stores an enqueued
// functor as const, so a move-only handler cannot live in it.
template <typename R, typename Handler, typename Fn, typename Work>
struct OffloadState final : PendingOffload {
  OffloadState(Handler h, Fn f, Work w, std::shared_ptr<OffloadRegistry> r)
      : handler(std::move(h)),
        work(std::move(w)),
        fn(std::move(f)),
        registry(std::move(r)) {}

  void discard() noexcept override {
    handler.reset();
    work.reset();
  }

  std::optional<Handler> handler;
  std::optional<Work> work;  // keeps the context's run() from returning
  Fn fn;
  std::shared_ptr<OffloadRegistry> registry;
};

// The body of the oneTBB task. Owns `state` until it posts the completion.
template <typename R, typename State>
void run_offloaded(State* state) noexcept {
  OffloadRegistry& registry = *state->registry;
  bool dropped = false;
  {
    std::lock_guard lock(registry.mutex);
    dropped = registry.shut_down;
    state->running = !dropped;
  }
  if (dropped) {  // by shutdown(), which destroyed the handler already
    delete state;
    return;
  }

  // An exception escaping a oneTBB task would end the process: hand it over.
  std::exception_ptr error;
  std::conditional_t<std::is_void_v<R>, char, R> result{};
  try {
    if constexpr (std::is_void_v<R>)
      state->fn();
    else
      result = state->fn();
  } catch (...) {
    error = std::current_exception();
  }

  // The post itself is outside the lock: a worker holding it is often
  // preempted by the very io thread it wakes, which then blocks on the lock
  // to start its next offload (measured here: round trip ~7.6 -> ~3.6 us).
  // Instead `posting` keeps shutdown(), and so the context's destruction,
  // waiting until the post is done; the service (hence `registry`) outlives
  // that.
  {
    std::lock_guard lock(registry.mutex);
    registry.unlink(state);
    ++registry.posting;
  }
  {
    // A copy, as `state` moves into the completion. It tracks work too, so it
    // must be gone before shutdown() may let the context be destroyed.
    auto ex = *state->work;
    asio::post(ex, [state = std::unique_ptr<State>(state), error,
                    result = std::move(result)]() mutable {
      // Free the state (and its work guard) before resuming the coroutine,
      // so it can reuse the memory.
      auto handler = std::move(*state->handler);
      state.reset();
      if constexpr (std::is_void_v<R>)
        std::move(handler)(error);
      else
        std::move(handler)(error, std::move(result));
    });
  }
  std::lock_guard lock(registry.mutex);
  if (--registry.posting == 0 && registry.shut_down) registry.idle.notify_all();
}

}  // namespace detail

// The arena offload(fn) uses: oneTBB's default concurrency and no slot
// reserved for a master thread, so every slot goes to a worker (the io thread
// that enqueues never joins it). How many workers exist is oneTBB's global
// limit (cores - 1 by default; apb::allow_tbb_threads raises it). A header
// cannot set that limit itself: oneTBB applies the smallest of all live
// limits, so it would cap everybody else.
inline tbb::task_arena& default_offload_arena() {
  static tbb::task_arena arena(tbb::task_arena::automatic, 0);
  return arena;
}

// Runs fn() on `arena`; the result (or exception) is delivered on the
// executor of the awaiting coroutine. R must be void or default-constructible
// and movable. See the top of this file for what happens when the
// coroutine's execution context is destroyed meanwhile.
template <typename Fn>
asio::awaitable<std::invoke_result_t<Fn&>> offload(tbb::task_arena& arena,
                                                   Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [&arena](auto handler, Fn work_fn) {
    auto work = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    auto& service = asio::use_service<detail::OffloadService>(
        asio::query(work, asio::execution::context));
    using State =
        detail::OffloadState<R, decltype(handler), Fn, decltype(work)>;
    auto* state = new State(std::move(handler), std::move(work_fn),
                            std::move(work), service.registry());
    {
      std::lock_guard lock(state->registry->mutex);
      state->registry->link(state);
    }
    // libtbb publishes the task to a worker out of ThreadSanitizer's sight:
    // state the hand-off, and keep TSan off the task object oneTBB builds
    // (and recycles) itself. The functor holds a plain pointer, so it has
    // nothing to destroy.
    detail::tsan_release(state);
    detail::TsanIgnoreScope task_object_is_published_by_libtbb;
    arena.enqueue([state] {
      State* self = nullptr;
      {
        detail::TsanIgnoreScope task_object_is_published_by_libtbb;
        self = state;
      }
      detail::tsan_acquire(self);
      detail::run_offloaded<R>(self);
    });
  };
  return asio::async_initiate<decltype(asio::use_awaitable),
                              typename detail::OffloadSignature<R>::type>(
      initiate, asio::use_awaitable, std::move(fn));
}

// Same, on default_offload_arena().
template <typename Fn>
asio::awaitable<std::invoke_result_t<Fn&>> offload(Fn fn) {
  return offload(default_offload_arena(), std::move(fn));
}

}  // namespace apb
