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

namespace apb {
namespace detail {

// Everything the arena task needs, behind a shared_ptr: oneTBB stores an
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
    auto state = std::make_shared<State>(
        State{std::move(handler), std::move(work_fn), std::move(work)});
    arena.enqueue([state] {
      // An exception escaping a oneTBB task ends the process: catch it
      // and hand it back to the awaiting coroutine.
      std::exception_ptr error;
      if constexpr (std::is_void_v<R>) {
        try {
          state->fn();
        } catch (...) {
          error = std::current_exception();
        }
        auto ex = state->work;
        asio::post(
            ex, [state, error]() mutable { std::move(state->handler)(error); });
      } else {
        R result{};
        try {
          result = state->fn();
        } catch (...) {
          error = std::current_exception();
        }
        auto ex = state->work;
        asio::post(ex, [state, error, result = std::move(result)]() mutable {
          std::move(state->handler)(error, std::move(result));
        });
      }
    });
  };
  co_return co_await asio::async_initiate<
      decltype(asio::use_awaitable),
      typename detail::OffloadSignature<R>::type>(initiate, asio::use_awaitable,
                                                  std::move(fn));
}

}  // namespace apb
