// cpu.skynet: the "skynet" benchmark of task runtimes. A 10-ary tree over
// `leaves` leaves numbered 0..leaves-1, each leaf returning its number and
// each node the sum of its children: 499999500000 for a million leaves.
// Subtrees of `grain` leaves or fewer are summed by serial recursion
// (grain 1 forks every node, as the original does).
#include <fmt/format.h>

#include <cstdint>

#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

// The leaves [first, first + size) of one subtree; size is a power of 10.
struct Subtree {
  std::uint64_t first = 0;
  std::uint64_t size = 1;
};

std::uint64_t serial_sum(Subtree t) {
  if (t.size == 1) return t.first;
  std::uint64_t total = 0;
  const std::uint64_t child = t.size / 10;
  for (std::uint64_t i = 0; i < 10; ++i)
    total += serial_sum({t.first + i * child, child});
  return total;
}

class SkynetWorkload final
    : public apb::ForkJoinWorkload<SkynetWorkload, Subtree> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.skynet",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "skynet: a 10-ary tree summing its leaves' numbers, "
            "forked down to subtrees of `grain` leaves; checked",
        .params = {{"leaves",
                    apb::ParamType::integer,
                    "1000000",
                    "leaves of the tree (a power of 10, 10..10^9)",
                    {}},
                   {"grain",
                    apb::ParamType::integer,
                    "1000",
                    "subtrees of this many leaves or fewer are summed "
                    "serially (1: fork every node, the original skynet)",
                    {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto leaves = run.params.integer("leaves");
    const auto grain = run.params.integer("grain");
    bool power_of_10 = leaves >= 10 && leaves <= 1'000'000'000;
    for (auto v = leaves; power_of_10 && v > 1; v /= 10)
      power_of_10 = v % 10 == 0;
    if (!power_of_10)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'leaves': expected a "
                      "power of 10 from 10 to 1000000000",
                      leaves));
    if (grain < 1)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 1 or more", grain));
    leaves_ = static_cast<std::uint64_t>(leaves);
    grain_ = static_cast<std::uint64_t>(grain);
    profile(run, "cpu.skynet/tree");
  }

  Subtree root() const { return {0, leaves_}; }
  bool is_leaf(const Subtree& t) const { return t.size <= grain_; }
  std::uint64_t solve(const Subtree& t) const { return serial_sum(t); }
  template <class Emit>
  void split(const Subtree& t, Emit&& emit) const {
    const std::uint64_t child = t.size / 10;
    for (std::uint64_t i = 0; i < 10; ++i)
      emit(Subtree{t.first + i * child, child});
  }
  double leaf_work(const Subtree& t) const {
    return static_cast<double>(t.size);
  }
  std::uint64_t expected() const { return leaves_ * (leaves_ - 1) / 2; }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"serial sum",
         fmt::format("{} over {} leaves in {} on one core", expected(), leaves_,
                     apb::format_duration(fork_join_profile()->serial_s))}};
  }

 private:
  std::uint64_t leaves_ = 0;
  std::uint64_t grain_ = 1;
};

}  // namespace

APB_REGISTER_WORKLOAD(SkynetWorkload);
