// cpu.invoke: the seed post's Parallel.Invoke(batch 1, batch 2, ...): one
// fork of `batches` pieces of CPU work, joined. With skew > 1 the batches
// differ in size (linearly from 1 to skew), so the largest one - the
// critical path - bounds the wall time whatever the threads. Each batch is
// 64 items of calibrated busy work; ranges of `grain` items or fewer run
// serially (64: a batch is one task, as in the seed; smaller splits it).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "apbench/busy_work.hpp"
#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"

namespace {

constexpr std::uint64_t kItems = 64;  // per batch

// Items [begin, end) of batch `batch`; the root is batch -1.
struct Piece {
  int batch = -1;
  std::uint64_t begin = 0, end = 0;
};

class InvokeWorkload final
    : public apb::ForkJoinWorkload<InvokeWorkload, Piece> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.invoke",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "Parallel.Invoke of `batches` pieces of CPU work "
            "totalling `work`, sizes 1..skew; digest checked",
        .params = {{"batches",
                    apb::ParamType::integer,
                    "4",
                    "pieces of work forked at once (1..64)",
                    {}},
                   {"work",
                    apb::ParamType::duration,
                    "40ms",
                    "CPU time of all batches together on one core",
                    {}},
                   {"skew",
                    apb::ParamType::real,
                    "1",
                    "largest batch / smallest batch (1: equal)",
                    {}},
                   {"grain",
                    apb::ParamType::integer,
                    "64",
                    "ranges of this many of a batch's 64 items or fewer run "
                    "serially (64: one task per batch)",
                    {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto batches = run.params.integer("batches");
    const auto work = run.params.duration("work");
    const double skew = run.params.real("skew");
    const auto grain = run.params.integer("grain");
    if (batches < 1 || batches > 64)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'batches': expected 1..64", batches));
    if (!(skew >= 1 && skew <= 1000))
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'skew': expected 1..1000", skew));
    if (grain < 1)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 1 or more", grain));
    grain_ = static_cast<std::uint64_t>(grain);
    // Batch i weighs 1 + (skew - 1) i / (batches - 1).
    std::vector<double> weight(static_cast<std::size_t>(batches));
    double total = 0;
    for (std::size_t i = 0; i < weight.size(); ++i) {
      weight[i] = 1 + (batches > 1 ? (skew - 1) * static_cast<double>(i) /
                                         static_cast<double>(batches - 1)
                                   : 0);
      total += weight[i];
    }
    const double iterations =
        static_cast<double>(apb::busy_iterations_for(work));
    per_item_.clear();
    for (double w : weight)
      per_item_.push_back(std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(iterations * w / total / kItems)));
    expected_ = apb::calibrate_once<std::uint64_t>(
        run.params, "cpu.invoke/digest", [this] { return solve(root()); });
    profile(run, "cpu.invoke/tree");
  }

  Piece root() const { return {}; }
  bool is_leaf(const Piece& p) const {
    return p.batch >= 0 && p.end - p.begin <= grain_;
  }
  std::uint64_t solve(const Piece& p) const {
    if (p.batch < 0) {  // every batch, one after another
      std::uint64_t total = 0;
      for (std::size_t b = 0; b < per_item_.size(); ++b)
        total += solve(Piece{static_cast<int>(b), 0, kItems});
      return total;
    }
    std::uint64_t digest = 0;
    for (std::uint64_t i = p.begin; i < p.end; ++i)
      digest += apb::busy_iterations(
          per_item_[static_cast<std::size_t>(p.batch)],
          apb::mix64(static_cast<std::uint64_t>(p.batch) * kItems + i));
    return digest;
  }
  template <class Emit>
  void split(const Piece& p, Emit&& emit) const {
    if (p.batch < 0) {
      for (std::size_t b = 0; b < per_item_.size(); ++b)
        emit(Piece{static_cast<int>(b), 0, kItems});
      return;
    }
    const std::uint64_t middle = p.begin + (p.end - p.begin) / 2;
    emit(Piece{p.batch, p.begin, middle});
    emit(Piece{p.batch, middle, p.end});
  }
  double leaf_work(const Piece& p) const {
    return static_cast<double>(per_item_[static_cast<std::size_t>(p.batch)] *
                               (p.end - p.begin));
  }
  std::uint64_t expected() const { return expected_; }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    const auto p = *fork_join_profile();
    return {{"serial batches",
             fmt::format("{} on one core, the largest batch {}",
                         apb::format_duration(p.serial_s),
                         apb::format_duration(p.critical_path_s))}};
  }

 private:
  std::uint64_t grain_ = kItems;
  std::vector<std::uint64_t> per_item_;  // busy iterations per item, by batch
  std::uint64_t expected_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(InvokeWorkload);
