#include "apbench/batch.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <thread>

#include "apbench/op_error.hpp"
#include "apbench/stop.hpp"

namespace apb {
namespace {

thread_local unsigned this_thread_slot = 0;

}  // namespace

void Batch::set_thread_slot(unsigned slot) noexcept { this_thread_slot = slot; }

Batch::Batch(std::size_t ops, std::size_t concurrency, unsigned threads,
             std::uint64_t seed, unsigned slots, bool shared_slots)
    : ops_(ops),
      concurrency_(concurrency),
      threads_(threads),
      seed_(seed),
      shared_slots_(shared_slots) {
  if (slots == 0) throw std::logic_error("a batch needs at least one slot");
  slots_.reserve(slots);
  for (unsigned i = 0; i < slots; ++i)
    slots_.push_back(std::make_unique<Slot>());
}

void Batch::set_shard(unsigned shard, unsigned shards) {
  if (shards == 0 || shard >= shards)
    throw std::logic_error("a shard index must be below the shard count");
  shard_ = shard;
  shards_ = shards;
}

std::optional<std::size_t> Batch::claim() noexcept {
  if (stopped_.load(std::memory_order_relaxed) || stop_requested())
    return std::nullopt;
  const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
  if (index >= ops_) return std::nullopt;
  return index;
}

std::uint64_t Batch::claimed() const noexcept {
  const std::size_t n = next_.load(std::memory_order_relaxed);
  return n < ops_ ? n : ops_;
}

void Batch::set_schedule(std::vector<std::int64_t> due_ns,
                         std::size_t max_in_flight) {
  if (due_ns.size() != ops_)
    throw std::logic_error("an open-loop schedule needs one due time per op");
  due_ns_ = std::move(due_ns);
  max_in_flight_ = std::max<std::size_t>(max_in_flight, 1);
}

bool Batch::admit(clock::time_point now) noexcept {
  if (!open()) return true;
  // Arrived so far (the schedule is ascending) minus those that finished or
  // were dropped: the ops in flight, this one included. Over the cap the
  // oldest waiting op, this one, is dropped, so a backlog stays bounded.
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - origin_)
          .count();
  const auto arrived = static_cast<std::uint64_t>(
      std::upper_bound(due_ns_.begin(), due_ns_.end(), elapsed) -
      due_ns_.begin());
  const std::uint64_t done = finished_.load(std::memory_order_relaxed) +
                             dropped_.load(std::memory_order_relaxed);
  if (arrived > done && arrived - done > max_in_flight_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void Batch::run_blocking(Workload& workload, std::size_t index,
                         ComputePolicy& compute, unsigned slot,
                         LaneState& lane) {
  run_blocking_op(workload, index, compute, slot, lane, false);
}

void Batch::run_lane_op(Workload& workload, std::size_t index,
                        ComputePolicy& compute, unsigned slot,
                        LaneState& lane) {
  run_blocking_op(workload, index, compute, slot, lane, !open());
}

void Batch::run_blocking_op(Workload& workload, std::size_t index,
                            ComputePolicy& compute, unsigned slot,
                            LaneState& lane, bool back_to_back) {
  OpContext op(op_number(index), seed_, compute, lane);
  op.set_stage_row(stage_row(index));
  op.set_stop_token(stop_token_);
  if (back_to_back) {
    const auto start = lane_start(lane);
    try {
      workload.blocking_op(op);
    } catch (...) {
      record_current_exception();
      return;
    }
    const auto free = lane_end(lane);  // after a pipeline's finished hook
    record_ok(slot, index, start, op.end_time(free), op.digest());
    return;
  }
  auto start = clock::now();
  if (open()) {
    // Open loop: wait for the op's due time; a late op starts at once and
    // its lateness counts in its latency.
    if (const auto due_at = due(index); start < due_at) {
      if (!wait_until_due(index)) return;
      start = clock::now();
    }
    if (!admit(start)) return;
  }
  try {
    workload.blocking_op(op);
  } catch (...) {
    record_current_exception();
    return;
  }
  record_ok(slot, index, start, op.end_time(clock::now()), op.digest());
}

bool Batch::wait_until_due(std::size_t index) const {
  return sleep_until(stop_token_, due(index));
}

void Batch::record_current_exception() {
  if (stop_requested()) return;  // cut short by the stop, not a failure
  auto [cause, message] = classify(std::current_exception());
  record_error(std::move(cause), std::move(message));
}

void Batch::record_ok(unsigned slot, std::size_t index, clock::time_point start,
                      clock::time_point end, std::uint64_t digest) {
  // An op that returned because of the stop did not do its work.
  if (stop_requested()) return;
  Slot& s = *slots_[slot == kThreadSlot ? this_thread_slot : slot];
  auto ns = [](clock::duration d) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  };
  const std::uint64_t service = ns(end - start);
  if (!open()) {
    record(s, service, 0, digest);
    return;
  }
  // Latency runs from when the op was due, not from when a lane got to it:
  // otherwise a stall that delays starts would vanish from the numbers
  // (coordinated omission).
  const auto due_at = due(index);
  record(s, due_at < end ? ns(end - due_at) : 0, service, digest);
  finished_.fetch_add(1, std::memory_order_relaxed);
}

void Batch::record(Slot& s, std::uint64_t latency_ns, std::uint64_t service_ns,
                   std::uint64_t digest) {
  std::unique_lock<std::mutex> lock;
  if (shared_slots_) lock = std::unique_lock(s.mutex);
  s.record.latency.record(latency_ns);
  if (open()) s.record.service.record(service_ns);
  ++s.record.ok;
  s.record.digest += digest;
}

void Batch::record_error(std::string cause, std::string message) {
  if (open()) finished_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(errors_mutex_);
  ++errors_;
  ++errors_by_cause_[std::move(cause)];
  // Bound the map: a flood of distinct messages must not eat memory.
  if (error_messages_.size() < 64 || error_messages_.count(message) != 0)
    ++error_messages_[std::move(message)];
  else
    ++error_messages_["(other messages)"];
}

void Batch::enable_stage_timing(std::size_t stages) {
  stages_ = stages;
  stage_rows_.assign(ops_ * (1 + 2 * stages), 0);
}

void Batch::record_loop_lag(std::uint64_t ns) {
  std::lock_guard lock(loop_lag_mutex_);
  loop_lag_.record(ns);
}

Histogram Batch::loop_lag() const {
  std::lock_guard lock(loop_lag_mutex_);
  return loop_lag_;
}

WorkerRecord Batch::merged() const {
  WorkerRecord out;
  for (const auto& s : slots_) {
    out.latency.merge(s->record.latency);
    out.service.merge(s->record.service);
    out.ok += s->record.ok;
    out.digest += s->record.digest;
  }
  return out;
}

std::uint64_t Batch::errors() const {
  std::lock_guard lock(errors_mutex_);
  return errors_;
}

std::map<std::string, std::uint64_t> Batch::errors_by_cause() const {
  std::lock_guard lock(errors_mutex_);
  return errors_by_cause_;
}

std::map<std::string, std::uint64_t> Batch::error_messages() const {
  std::lock_guard lock(errors_mutex_);
  return error_messages_;
}

}  // namespace apb
