#include "apbench/fork_join_models.hpp"

#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/task_group.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "apbench/detail/tsan.hpp"
#include "apbench/offload.hpp"

namespace apb {

// --- parallel -------------------------------------------------------------

void TbbForkJoin::join(ForkTasks children) {
  // libtbb hands the children to workers out of ThreadSanitizer's sight:
  // each child's closure is a TbbBody, published once built (after the
  // fork wrote the child's task) and received before it is read, and the
  // child publishes its value on the way out; the fork receives after the
  // join.
  auto body = [this](ForkTask* task) {
    return detail::TbbBody([this, task] { task->run(*this); });
  };
  switch (children.size()) {
    case 0:
      break;
    case 1:
      children[0]->run(*this);
      break;
    case 2: {
      const auto first = body(children[0]);
      const auto second = body(children[1]);
      tbb::parallel_invoke(first, second);
      break;
    }
    default: {
      tbb::task_group group;
      for (std::size_t i = 0; i + 1 < children.size(); ++i)
        group.run(body(children[i]));
      children.back()->run(*this);  // the last one on this thread
      group.wait();
    }
  }
  detail::tsan_receive_from_tbb();
}

void TbbForkJoin::run(ForkTask& root) {
  tbb::this_task_arena::isolate([&] { root.run(*this); });
}

// --- async, async-pool ----------------------------------------------------

void CoroutineForkJoin::join(ForkTasks children) {
  for (ForkTask* child : children) child->run(*this);
}

asio::awaitable<void> CoroutineForkJoin::async_join(ForkTasks children) {
  if (children.size() == 1) {
    co_await children[0]->run_async(*this);
    co_return;
  }
  if (queued_) {
    co_await pool_join(children);
    co_return;
  }
  namespace ex = asio::experimental;
  // One io thread: the children interleave on it and make_parallel_group
  // joins them (the join machinery whose cost this model shows).
  auto spawn = [this](ForkTask* child) {
    return asio::co_spawn(executor_, child->run_async(*this), asio::deferred);
  };
  if (children.size() == 2) {
    auto [order, e0, e1] =
        co_await ex::make_parallel_group(spawn(children[0]), spawn(children[1]))
            .async_wait(ex::wait_for_all(), asio::use_awaitable);
    (void)order;
    if (e0) std::rethrow_exception(e0);
    if (e1) std::rethrow_exception(e1);
    co_return;
  }
  std::vector<decltype(spawn(children[0]))> ops;
  ops.reserve(children.size());
  for (ForkTask* child : children) ops.push_back(spawn(child));
  auto [order, errors] =
      co_await ex::make_parallel_group(std::move(ops))
          .async_wait(ex::wait_for_all(), asio::use_awaitable);
  (void)order;
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// A pool of threads: make_parallel_group is not safe when its operations
// complete on other threads while it is still launching them (TSan saw a
// use after free of its cancellation slots), so the children count down a
// shared join whose concurrent_channel (thread-safe) wakes the fork.
asio::awaitable<void> CoroutineForkJoin::pool_join(ForkTasks children) {
  struct Join {
    explicit Join(const asio::any_io_executor& executor, std::size_t n)
        : left(n), done(executor, 1) {}
    std::atomic<std::size_t> left;
    std::mutex mutex;
    std::exception_ptr error;
    asio::experimental::concurrent_channel<void(boost::system::error_code)>
        done;
  };
  auto join = std::make_shared<Join>(executor_, children.size());
  for (ForkTask* child : children)
    asio::co_spawn(executor_, queued_child(child),
                   [join](std::exception_ptr e) {
                     if (e) {
                       std::lock_guard lock(join->mutex);
                       if (!join->error) join->error = e;
                     }
                     if (join->left.fetch_sub(1) == 1)
                       join->done.try_send(boost::system::error_code{});
                   });
  co_await join->done.async_receive(asio::use_awaitable);
  std::lock_guard lock(join->mutex);
  if (join->error) std::rethrow_exception(join->error);
}

asio::awaitable<void> CoroutineForkJoin::queued_child(ForkTask* child) {
  co_await asio::post(executor_, asio::use_awaitable);
  co_await child->run_async(*this);
}

// --- threads --------------------------------------------------------------

namespace {
thread_local unsigned fork_depth = 0;  // of the fork this thread runs in
}  // namespace

void ThreadForkJoin::join(ForkTasks children) {
  if (fork_depth >= depth_limit_) {
    for (ForkTask* child : children) child->run(*this);
    return;
  }
  const auto n = static_cast<unsigned>(children.size());
  if (alive_.fetch_add(n) + n > max_threads_) {
    alive_.fetch_sub(n);
    fail("a std::thread per child needed more than " +
         std::to_string(max_threads_) +
         " threads alive at once (at fork depth " + std::to_string(fork_depth) +
         "); raise the grain");
  }
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  std::string failure;
  const unsigned depth = fork_depth + 1;
  for (unsigned i = 0; i < n; ++i) {
    try {
      threads.emplace_back([this, &errors, i, depth, task = children[i]] {
        fork_depth = depth;
        try {
          task->run(*this);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    } catch (const std::system_error& e) {
      failure = "could not create a thread for child " + std::to_string(i + 1) +
                " of a fork at depth " + std::to_string(fork_depth) + ": " +
                e.code().message();
      break;
    }
  }
  for (auto& t : threads) t.join();
  alive_.fetch_sub(n);
  if (!failure.empty()) fail(std::move(failure));
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void ThreadForkJoin::fail(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_) failure_ = reason;
  }
  throw std::runtime_error(reason);
}

std::optional<std::string> ThreadForkJoin::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

// --- hybrid ---------------------------------------------------------------

void OffloadForkJoin::run(ForkTask& root) {
  arena_.execute([&] { inside_.run(root); });
}

asio::awaitable<void> OffloadForkJoin::async_run(ForkTask& root) {
  // Named first: g++ 12 destroys a temporary lambda's captures twice when
  // it is an argument of co_await (see offload.hpp).
  auto whole_tree = [this, &root] { inside_.run(root); };
  co_await offload(arena_, std::move(whole_tree));
}

}  // namespace apb
