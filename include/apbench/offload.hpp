#pragma once
// co_await apb::offload(arena, fn): run CPU work on a oneTBB task_arena and
// resume the awaiting coroutine on its own executor, the C++ spelling of
// C#'s `await Task.Run(...)`. The io_context thread stays free meanwhile.
#include <oneapi/tbb/task_arena.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "apbench/asio.hpp"
#include "apbench/detail/tsan.hpp"

namespace apb {
namespace detail {

// Everything the arena task needs, behind a pointer: oneTBB stores an
// enqueued functor as const, so a move-only handler cannot live in it.
template <typename Handler, typename Fn, typename Work>
struct OffloadState {
  Handler handler;
  Fn fn;
  Work work;  // keeps the io_context's run() from returning meanwhile
};

template <typename R>
struct OffloadSignature {
  using type = void(std::exception_ptr, R);
};
template <>
struct OffloadSignature<void> {
  using type = void(std::exception_ptr);
};

// Runs the function on the oneTBB worker and posts its result (or the
// exception it threw: one escaping a oneTBB task would end the process) to
// the awaiting coroutine's executor, which then owns the state.
template <typename R, typename State>
void run_offloaded(std::unique_ptr<State> state) {
  std::exception_ptr error;
  auto ex = state->work;
  if constexpr (std::is_void_v<R>) {
    try {
      state->fn();
    } catch (...) {
      error = std::current_exception();
    }
    asio::post(ex, [state = std::move(state), error]() mutable {
      std::move(state->handler)(error);
    });
  } else {
    R result{};
    try {
      result = state->fn();
    } catch (...) {
      error = std::current_exception();
    }
    asio::post(ex, [state = std::move(state), error,
                    result = std::move(result)]() mutable {
      std::move(state->handler)(error, std::move(result));
    });
  }
}

}  // namespace detail

// Runs fn() on `arena`; the result (or exception) is delivered on the
// executor of the awaiting coroutine. R must be void or default-
// constructible and movable.
template <typename Fn>
asio::awaitable<std::invoke_result_t<Fn&>> offload(tbb::task_arena& arena,
                                                   Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [&arena](auto handler, Fn work_fn) {
    auto work = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    using State = detail::OffloadState<decltype(handler), Fn, decltype(work)>;
    auto owned = std::make_unique<State>(
        State{std::move(handler), std::move(work_fn), std::move(work)});
    State* state = owned.get();
    // libtbb publishes the task to a worker out of ThreadSanitizer's sight:
    // state the hand-off, and keep TSan off the task object oneTBB builds
    // (and recycles) itself. The functor holds a plain pointer, so it has
    // nothing to destroy.
    detail::tsan_release(state);
    {
      detail::TsanIgnoreScope task_object_is_published_by_libtbb;
      arena.enqueue([state] {
        State* self = nullptr;
        {
          detail::TsanIgnoreScope task_object_is_published_by_libtbb;
          self = state;
        }
        detail::tsan_acquire(self);
        detail::run_offloaded<R>(std::unique_ptr<State>(self));
      });
    }
    owned.release();  // the task owns it now
  };
  co_return co_await asio::async_initiate<
      decltype(asio::use_awaitable),
      typename detail::OffloadSignature<R>::type>(initiate, asio::use_awaitable,
                                                  std::move(fn));
}

}  // namespace apb
