#pragma once
// A lane is a sequence of ops run one after another (one coroutine of the
// async strategies, one thread of `threads`, one worker of `parallel`).
// Its state lives from its first op to its end, so a workload can keep
// what an op would otherwise re-create, such as an open connection:
// `auto& conn = op.lane().state<Connection>();`. It is destroyed when the
// lane ends, inside the strategy, before its io_context goes away.
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <typeinfo>

namespace apb {

class Batch;

class LaneState {
 public:
  explicit LaneState(std::size_t index) : index_(index) {}
  LaneState(const LaneState&) = delete;
  LaneState& operator=(const LaneState&) = delete;

  // Unique among the lanes running at the same time; < the run's
  // effective concurrency.
  std::size_t index() const { return index_; }

  // The lane's state of type T, default-constructed on first use.
  template <typename T>
  T& state() {
    if (!holder_) holder_ = std::make_unique<Holder<T>>();
    const Base& held = *holder_;  // typeid of a plain reference: no side effect
    if (typeid(held) != typeid(Holder<T>))
      throw std::logic_error("lane state used with two different types");
    return static_cast<Holder<T>&>(*holder_).value;
  }

 private:
  friend class Batch;  // keeps free_since_ (Batch::lane_start)
  struct Base {
    virtual ~Base() = default;
  };
  template <typename T>
  struct Holder final : Base {
    T value{};
  };
  std::size_t index_;
  std::unique_ptr<Base> holder_;
  // When the lane's previous op ended, while its next op follows at once;
  // the epoch when unknown.
  std::chrono::steady_clock::time_point free_since_{};
};

}  // namespace apb
