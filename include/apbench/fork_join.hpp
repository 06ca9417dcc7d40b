#pragma once
// Fork-join work: recursive divide and conquer (fib, n-queens, a tree sum,
// a recursive matrix product, a merge sort, a fixed fan-out of batches),
// described once by the workload and run by each strategy in its own
// spawn/join model: calls inline, tbb::parallel_invoke, coroutines awaited
// together, a thread per child, or the whole tree offloaded to a oneTBB
// arena.
//
// A workload derives from ForkJoinWorkload<Self, Problem, Value> and
// describes its problem. Value, a node's value, is std::uint64_t unless the
// workload names another type (default-constructible and movable):
//
//   Problem root() const;                       // one op's problem
//   bool is_leaf(const Problem&) const;         // at or below the grain
//   Value solve(const Problem&) const;          // serial code, any problem
//   template <class Emit>                       // emit(child) per child;
//   void split(const Problem&, Emit&& emit) const;  // may work first
//   std::uint64_t expected() const;             // the known digest
//
// and, optionally:
//
//   Value combine(const Problem&, std::span<Value> children) const;
//       // the node's work after its children join (a merge): their values
//       // in emit order (it may move from them) into the node's own.
//       // Default: the sum mod 2^64 (Value std::uint64_t only).
//   std::uint64_t digest(const Value&) const;   // the root's value as the
//       // op's digest (it may throw OpError); default: the value itself.
//   double leaf_work(const Problem&) const;     // a leaf's relative work
//                                               // (default 1)
//   double node_work(const Problem&) const;     // a fork's own work (split
//       // and combine), in leaf_work's unit (default 0)
//
// A fork's own work (what split does before emitting, and combine) runs in
// its own task, is part of the serial code solve(root()) as well, and
// counts in the critical path through node_work: it is never overhead.
//
// setup() ends with profile(run, "<workload>/<what>"), which counts the
// tree and times the serial code once per parameter set.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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

template <class Self, class Problem, class Value = std::uint64_t>
class ForkJoinWorkload : public Workload {
 public:
  void blocking_op(OpContext& op) override {
    Node root(self(), self().root());
    op.fork_join().run(root);
    op.add_digest(checked(root_digest(root.value)));
  }
  asio::awaitable<void> async_op(OpContext& op) override {
    Node root(self(), self().root());
    co_await op.fork_join().async_run(root);
    op.add_digest(checked(root_digest(root.value)));
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
  // Counts one op's tree and times the serial code (solve(root()) and the
  // digest of its value, as an op does) once per parameter set (best of up
  // to 3); `key` starts with the workload's name.
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
    Value value{};

    void run(ForkJoin& model) override {
      if (owner->is_leaf(problem)) {
        value = owner->solve(problem);
        return;
      }
      Children children;
      owner->split(problem, [&](Problem child) {
        children.emplace_back(*owner, std::move(child));
      });
      Buffer tasks;
      for (Node& child : children) tasks.push_back(&child);
      model.join(ForkTasks(tasks.data(), tasks.size()));
      value = combined(children);
    }
    asio::awaitable<void> run_async(ForkJoin& model) override {
      if (owner->is_leaf(problem)) {
        value = owner->solve(problem);
        co_return;
      }
      Children children;
      owner->split(problem, [&](Problem child) {
        children.emplace_back(*owner, std::move(child));
      });
      Buffer tasks;
      for (Node& child : children) tasks.push_back(&child);
      co_await model.async_join(ForkTasks(tasks.data(), tasks.size()));
      value = combined(children);
    }
    // The node's work after the join: the workload's combine, or the sum.
    Value combined(boost::container::small_vector<Node, 16>& children) const {
      if constexpr (requires(std::span<Value> values) {
                      {
                        owner->combine(problem, values)
                        } -> std::convertible_to<Value>;
                    }) {
        boost::container::small_vector<Value, 16> values;
        for (Node& child : children) values.push_back(std::move(child.value));
        return owner->combine(problem,
                              std::span<Value>(values.data(), values.size()));
      } else {
        static_assert(
            !requires { &Self::combine; },
            "combine is declared but cannot be called as "
            "combine(const Problem&, std::span<Value>) -> Value");
        static_assert(std::is_same_v<Value, std::uint64_t>,
                      "a fork-join workload whose Value is not std::uint64_t "
                      "declares combine(const Problem&, std::span<Value>)");
        std::uint64_t total = 0;
        for (const Node& child : children) total += child.value;
        return total;
      }
    }
  };
  using Children = boost::container::small_vector<Node, 16>;

  // Nodes, leaves, total work and the longest chain of work: a leaf's
  // leaf_work, a fork's node_work (before and after its children) plus its
  // longest child, since the children of a fork run at once.
  struct Walk {
    std::uint64_t nodes = 0, leaves = 0;
    double work = 0, span = 0;
  };
  Walk count(const Problem& problem) const {
    if (self().is_leaf(problem)) {
      const double w = leaf_work_of(problem);
      return {1, 1, w, w};
    }
    const double own = node_work_of(problem);
    Walk total{1, 0, own, 0};
    self().split(problem, [&](Problem child) {
      const Walk w = count(child);
      total.nodes += w.nodes;
      total.leaves += w.leaves;
      total.work += w.work;
      total.span = std::max(total.span, w.span);
    });
    total.span += own;
    return total;
  }
  double leaf_work_of(const Problem& problem) const {
    if constexpr (requires { self().leaf_work(problem); })
      return self().leaf_work(problem);
    else
      return 1.0;
  }
  double node_work_of(const Problem& problem) const {
    if constexpr (requires { self().node_work(problem); })
      return self().node_work(problem);
    else
      return 0.0;
  }
  std::uint64_t root_digest(const Value& value) const {
    if constexpr (requires { self().digest(value); }) {
      return self().digest(value);
    } else {
      static_assert(
          !requires { &Self::digest; },
          "digest is declared but cannot be called as "
          "digest(const Value&) -> std::uint64_t");
      static_assert(std::is_convertible_v<Value, std::uint64_t>,
                    "a fork-join workload whose Value is not an integer "
                    "declares digest(const Value&) -> std::uint64_t");
      return static_cast<std::uint64_t>(value);
    }
  }
  // Best of up to 3 while under 1 s spent: one timing of a 0.4 s serial
  // code (cpu.mergesort n=4M) is at the mercy of the moment's load, and
  // every overhead per task is measured against it.
  double serial_seconds() const {
    double best = 0, spent = 0;
    for (int attempt = 0; attempt < 3 && spent < 1.0; ++attempt) {
      const auto start = std::chrono::steady_clock::now();
      const std::uint64_t digest = root_digest(self().solve(self().root()));
      const double s = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      checked(digest);  // a wrong serial answer is a bug in the workload
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
