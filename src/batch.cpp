#include "apbench/batch.hpp"

#include <exception>
#include <stdexcept>

#include "apbench/op_error.hpp"

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

std::optional<std::size_t> Batch::claim() noexcept {
  if (stopped_.load(std::memory_order_relaxed)) return std::nullopt;
  const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
  if (index >= ops_) return std::nullopt;
  return index;
}

std::uint64_t Batch::claimed() const noexcept {
  const std::size_t n = next_.load(std::memory_order_relaxed);
  return n < ops_ ? n : ops_;
}

void Batch::run_blocking(Workload& workload, std::size_t index,
                         ComputePolicy& compute, unsigned slot,
                         LaneState& lane) {
  OpContext op(index, seed_, compute, lane);
  const auto start = clock::now();
  try {
    workload.blocking_op(op);
  } catch (...) {
    record_current_exception();
    return;
  }
  record_ok(slot, clock::now() - start, op.digest());
}

void Batch::record_current_exception() {
  auto [cause, message] = classify(std::current_exception());
  record_error(std::move(cause), std::move(message));
}

void Batch::record_ok(unsigned slot, clock::duration latency,
                      std::uint64_t digest) {
  Slot& s = *slots_[slot == kThreadSlot ? this_thread_slot : slot];
  const auto ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
  if (shared_slots_) {
    std::lock_guard lock(s.mutex);
    s.record.latency.record(ns);
    ++s.record.ok;
    s.record.digest += digest;
  } else {
    s.record.latency.record(ns);
    ++s.record.ok;
    s.record.digest += digest;
  }
}

void Batch::record_error(std::string cause, std::string message) {
  std::lock_guard lock(errors_mutex_);
  ++errors_;
  ++errors_by_cause_[std::move(cause)];
  // Bound the map: a flood of distinct messages must not eat memory.
  if (error_messages_.size() < 64 || error_messages_.count(message) != 0)
    ++error_messages_[std::move(message)];
  else
    ++error_messages_["(other messages)"];
}

WorkerRecord Batch::merged() const {
  WorkerRecord out;
  for (const auto& s : slots_) {
    out.latency.merge(s->record.latency);
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
