// A fork-join workload whose nodes combine: a merge sort of `n` seeded
// numbers. A fork's children sort its two halves; after they join, the
// fork merges their sorted vectors into its own (its combine). Every
// strategy forks and joins the halves in its own model (see
// docs/extending.md); apbench's built-in cpu.mergesort is the same sort
// without a vector per node.
#include <algorithm>
#include <apbench/apbench.hpp>
#include <cmath>
#include <span>
#include <vector>

namespace {

// A subproblem: sort the input's numbers [begin, end).
struct Range {
  std::size_t begin = 0, end = 0;
};
using Sorted = std::vector<std::uint64_t>;  // a node's value

class MergeSort final : public apb::ForkJoinWorkload<MergeSort, Range, Sorted> {
 public:
  static apb::WorkloadInfo info() {
    return {.name = "example.merge_sort",
            .kind = apb::WorkloadKind::cpu,
            .description = "merge sort of n numbers, forked down to `grain`",
            .params = {{"n", apb::ParamType::integer, "1M", "numbers", {}},
                       {"grain",
                        apb::ParamType::integer,
                        "16384",
                        "ranges this long or shorter are sorted serially",
                        {}}},
            .forms = apb::form_fork_join,
            .default_ops = 4};
  }

  void setup(const apb::RunSetup& run) override {
    const auto n = run.params.integer("n");
    const auto grain = run.params.integer("grain");
    if (n < 1 || grain < 1)
      throw apb::UsageError("n and grain must be 1 or more");
    input_.resize(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < input_.size(); ++i)
      input_[i] = apb::mix64(run.seed + i);
    grain_ = static_cast<std::size_t>(grain);
    Sorted sorted = input_;
    std::sort(sorted.begin(), sorted.end());
    expected_ = weighted_sum(sorted);
    profile(run, "example.merge_sort/tree");  // counts the tree, times solve
  }

  Range root() const { return {0, input_.size()}; }
  bool is_leaf(const Range& r) const { return r.end - r.begin <= grain_; }
  // The serial code, for any range: the same recursion, called.
  Sorted solve(const Range& r) const {
    if (is_leaf(r)) {
      Sorted out(input_.begin() + static_cast<std::ptrdiff_t>(r.begin),
                 input_.begin() + static_cast<std::ptrdiff_t>(r.end));
      std::sort(out.begin(), out.end());
      return out;
    }
    Sorted halves[2] = {solve(left(r)), solve(right(r))};
    return combine(r, halves);
  }
  template <class Emit>
  void split(const Range& r, Emit&& emit) const {
    emit(left(r));
    emit(right(r));
  }
  // The fork's own work, after its children joined: merge their values.
  Sorted combine(const Range& r, std::span<Sorted> halves) const {
    Sorted out(r.end - r.begin);
    std::merge(halves[0].begin(), halves[0].end(), halves[1].begin(),
               halves[1].end(), out.begin());
    return out;
  }
  // The op's digest from the root's value; a wrong sort fails the op.
  std::uint64_t digest(const Sorted& v) const {
    if (!std::is_sorted(v.begin(), v.end()))
      throw apb::OpError(apb::cause::mismatch, "not sorted");
    return weighted_sum(v);
  }
  std::uint64_t expected() const { return expected_; }
  // Relative work for the critical path: a leaf sorts (m log2 m), a fork
  // merges (m), so the root's merge of all n numbers is on it.
  double leaf_work(const Range& r) const {
    const double m = static_cast<double>(r.end - r.begin);
    return m * std::log2(std::max(m, 2.0));
  }
  double node_work(const Range& r) const {
    return static_cast<double>(r.end - r.begin);
  }

 private:
  static Range left(const Range& r) {
    return {r.begin, r.begin + (r.end - r.begin) / 2};
  }
  static Range right(const Range& r) {
    return {r.begin + (r.end - r.begin) / 2, r.end};
  }
  static std::uint64_t weighted_sum(const Sorted& v) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < v.size(); ++i) sum += v[i] * (2 * i + 1);
    return sum;
  }

  std::vector<std::uint64_t> input_;
  std::size_t grain_ = 1;
  std::uint64_t expected_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(MergeSort);
