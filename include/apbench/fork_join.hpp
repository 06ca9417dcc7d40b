#pragma once
// Fork-join work: recursive divide and conquer (fib, n-queens, a tree sum,
// a recursive matrix product, a fixed fan-out of batches), described once
// by the workload and run by each strategy in its own spawn/join model:
// calls inline, tbb::parallel_invoke, coroutines awaited together, a thread
// per child, or the whole tree offloaded to a oneTBB arena.
//
// A workload derives from ForkJoinWorkload<Self, Problem> and describes its
// problem; every node's value is a std::uint64_t and a node's value is the
// sum (mod 2^64) of its children's, like a kernel's digests:
//
//   Problem root() const;                       // one op's problem
//   bool is_leaf(const Problem&) const;         // at or below the grain
//   std::uint64_t solve(const Problem&) const;  // serial code
//   template <class Emit>                       // emit(child) per child
//   void split(const Problem&, Emit&& emit) const;
//   double leaf_work(const Problem&) const;     // optional: relative work
//                                               // of a leaf (default 1)
//   std::uint64_t expected() const;             // the known answer
//
// setup() ends with profile(run, "<workload>/<what>"), which counts the
// tree and times the serial code once per parameter set.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "apbench/asio.hpp"
#include "apbench/calibration.hpp"
#include "apbench/op_error.hpp"
#include "apbench/workload.hpp"

namespace apb {

class ForkJoin;

// One child of a fork: a subproblem that runs blocking or as a coroutine
// and leaves its value behind.
class ForkTask {
 public:
  virtual void run(ForkJoin& model) = 0;
  virtual asio::awaitable<void> run_async(ForkJoin& model) = 0;

 protected:
  ~ForkTask() = default;
};

using ForkTasks = std::span<ForkTask* const>;

// A strategy's spawn/join model (see src/apbench/fork_join_models.hpp).
// join() runs every child of one fork and returns once all have finished;
// a child runs its own forks through the same model.
class ForkJoin {
 public:
  virtual ~ForkJoin() = default;
  virtual std::string_view name() const = 0;
  // Blocking forms (sequential, parallel, threads).
  virtual void join(ForkTasks children) = 0;
  // Coroutine forms (async, async-pool, hybrid). Default: each child
  // awaited in turn on this coroutine.
  virtual asio::awaitable<void> async_join(ForkTasks children);
  // An op's root task. Defaults: run it here (the hybrid model offloads).
  virtual void run(ForkTask& root) { root.run(*this); }
  virtual asio::awaitable<void> async_run(ForkTask& root);
};

// Children called one after another on this thread: sequential's model,
// and the default of a compute policy without a model of its own.
class InlineForkJoin final : public ForkJoin {
 public:
  std::string_view name() const override { return "inline calls"; }
  void join(ForkTasks children) override {
    for (ForkTask* child : children) child->run(*this);
  }
};
ForkJoin& inline_fork_join();  // a shared instance (it has no state)

template <class Self, class Problem>
class ForkJoinWorkload : public Workload {
 public:
  void blocking_op(OpContext& op) override {
    Node root(self(), self().root());
    op.fork_join().run(root);
    op.add_digest(checked(root.value));
  }
  asio::awaitable<void> async_op(OpContext& op) override {
    Node root(self(), self().root());
    co_await op.fork_join().async_run(root);
    op.add_digest(checked(root.value));
  }

  std::optional<ForkJoinProfile> fork_join_profile() const override {
    return profile_;
  }
  // max(serial work / threads, critical path): ops are independent trees.
  std::optional<double> ideal_seconds(const RunSetup& run) const override {
    const unsigned threads = std::max(1u, std::min(run.threads, run.cores));
    return std::max(profile_.serial_s * static_cast<double>(run.ops) / threads,
                    profile_.critical_path_s);
  }

 protected:
  // Counts one op's tree and times the serial code once per parameter set
  // (best of up to 3); `key` starts with the workload's name.
  void profile(const RunSetup& run, std::string_view key) {
    profile_ = calibrate_once<ForkJoinProfile>(run.params, key, [this] {
      ForkJoinProfile p;
      const Walk walk = count(self().root());
      p.tasks = walk.nodes - 1;  // every node but the root was forked
      p.leaves = walk.leaves;
      p.serial_s = serial_seconds();
      p.critical_path_s =
          walk.work > 0 ? p.serial_s * walk.span / walk.work : p.serial_s;
      return p;
    });
  }

 private:
  using Buffer = boost::container::small_vector<ForkTask*, 16>;

  struct Node final : ForkTask {
    Node(const Self& w, Problem p) : owner(&w), problem(std::move(p)) {}
    const Self* owner;
    Problem problem;
    std::uint64_t value = 0;

    void run(ForkJoin& model) override {
      if (owner->is_leaf(problem)) {
        value = owner->solve(problem);
        return;
      }
      boost::container::small_vector<Node, 16> children;
      owner->split(problem, [&](Problem child) {
        children.emplace_back(*owner, child);
      });
      Buffer tasks;
      for (Node& child : children) tasks.push_back(&child);
      model.join(ForkTasks(tasks.data(), tasks.size()));
      value = sum(children);
    }
    asio::awaitable<void> run_async(ForkJoin& model) override {
      if (owner->is_leaf(problem)) {
        value = owner->solve(problem);
        co_return;
      }
      boost::container::small_vector<Node, 16> children;
      owner->split(problem, [&](Problem child) {
        children.emplace_back(*owner, child);
      });
      Buffer tasks;
      for (Node& child : children) tasks.push_back(&child);
      co_await model.async_join(ForkTasks(tasks.data(), tasks.size()));
      value = sum(children);
    }
    template <class Children>
    static std::uint64_t sum(const Children& children) {
      std::uint64_t total = 0;
      for (const Node& child : children) total += child.value;
      return total;
    }
  };

  // Nodes, leaves, total leaf work and the longest chain of leaf work (the
  // children of a fork run at once, so a fork's span is its longest child).
  struct Walk {
    std::uint64_t nodes = 0, leaves = 0;
    double work = 0, span = 0;
  };
  Walk count(const Problem& problem) const {
    if (self().is_leaf(problem)) {
      const double w = leaf_work_of(problem);
      return {1, 1, w, w};
    }
    Walk total{1, 0, 0, 0};
    self().split(problem, [&](Problem child) {
      const Walk w = count(child);
      total.nodes += w.nodes;
      total.leaves += w.leaves;
      total.work += w.work;
      total.span = std::max(total.span, w.span);
    });
    return total;
  }
  double leaf_work_of(const Problem& problem) const {
    if constexpr (requires { self().leaf_work(problem); })
      return self().leaf_work(problem);
    else
      return 1.0;
  }
  double serial_seconds() const {
    double best = 0, spent = 0;
    for (int attempt = 0; attempt < 3 && spent < 0.3; ++attempt) {
      const auto start = std::chrono::steady_clock::now();
      const std::uint64_t value = self().solve(self().root());
      const double s = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      checked(value);  // a wrong serial answer is a bug in the workload
      spent += s;
      if (best == 0 || s < best) best = s;
    }
    return best;
  }

  std::uint64_t checked(std::uint64_t value) const {
    const std::uint64_t expected = self().expected();
    if (value != expected)
      throw OpError(cause::mismatch, "wrong answer: got " +
                                         std::to_string(value) + ", expected " +
                                         std::to_string(expected));
    return value;
  }
  const Self& self() const { return static_cast<const Self&>(*this); }

  ForkJoinProfile profile_;
};

}  // namespace apb
