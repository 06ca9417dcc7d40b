// cpu.mergesort: a merge sort of `n` seeded 64-bit numbers, the fork-join
// workload whose nodes combine: a fork sorts its two halves in its children
// and merges them after the join, so its own work (the merge) grows toward
// the root, where one merge of all n numbers runs alone on the critical
// path. Ranges of `grain` numbers or fewer are copied from the input and
// sorted serially (std::sort). Each op sorts its own copy; its output is
// checked sorted and its position-weighted sum against the one computed at
// set-up.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"

namespace {

// One op's two arrays of n numbers: a sorted range is merged from one into
// the other, so the levels of the tree alternate; the root's output is in
// `out[0]`. Left uninitialised: the leaves write every element first.
struct Arrays {
  explicit Arrays(std::size_t n)
      : out{std::make_unique_for_overwrite<std::uint64_t[]>(n),
            std::make_unique_for_overwrite<std::uint64_t[]>(n)} {}
  std::unique_ptr<std::uint64_t[]> out[2];
};

// A subproblem: sort the input's [begin, end) into out[into][begin, end).
struct Slice {
  std::shared_ptr<Arrays> arrays;
  std::size_t begin = 0, end = 0;
  int into = 0;
  std::size_t size() const { return end - begin; }
  std::uint64_t* target() const { return arrays->out[into].get() + begin; }
  // The two halves, each sorted into the other array, to be merged here.
  std::pair<Slice, Slice> halves() const {
    const std::size_t middle = begin + size() / 2;
    return {Slice{arrays, begin, middle, 1 - into},
            Slice{arrays, middle, end, 1 - into}};
  }
};

// A node's value: its sorted range.
using Sorted = std::span<const std::uint64_t>;

// Position-weighted sum of a range (mod 2^64): other numbers or another
// order change it (with overwhelming odds); and the first position out of
// order, if any.
struct Digest {
  std::uint64_t sum = 0;
  std::size_t unsorted_at = 0;  // 0: sorted
};
Digest weigh(Sorted v) {
  Digest d;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0 && v[i] < v[i - 1] && d.unsorted_at == 0) d.unsorted_at = i;
    d.sum += v[i] * (2 * static_cast<std::uint64_t>(i) + 1);
  }
  return d;
}

class MergeSortWorkload final
    : public apb::ForkJoinWorkload<MergeSortWorkload, Slice, Sorted> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.mergesort",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "merge sort of n seeded numbers: halves forked down to `grain` "
            "numbers, merged after the join; checked sorted",
        .params = {{"n",
                    apb::ParamType::integer,
                    "1M",
                    "numbers each op sorts (its own copy; 1..100M)",
                    {}},
                   {"grain",
                    apb::ParamType::integer,
                    "16384",
                    "ranges of this many numbers or fewer are sorted "
                    "serially with std::sort (1 or more)",
                    {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto n = run.params.integer("n");
    const auto grain = run.params.integer("grain");
    if (n < 1 || n > 100'000'000)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'n': expected 1..100M", n));
    if (grain < 1)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 1 or more", grain));
    n_ = static_cast<std::size_t>(n);
    grain_ = static_cast<std::size_t>(grain);
    input_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) input_[i] = apb::mix64(run.seed + i);
    std::vector<std::uint64_t> sorted = input_;
    std::sort(sorted.begin(), sorted.end());
    expected_ = weigh(sorted).sum;
    profile(run, "cpu.mergesort/tree");
  }
  void teardown() override { input_ = {}; }

  Slice root() const { return {std::make_shared<Arrays>(n_), 0, n_, 0}; }
  bool is_leaf(const Slice& s) const { return s.size() <= grain_; }
  // The serial code: the same recursion, called instead of forked.
  Sorted solve(const Slice& s) const {
    if (is_leaf(s)) return sort_leaf(s);
    const auto [left, right] = s.halves();
    return merge(s, solve(left), solve(right));
  }
  template <class Emit>
  void split(const Slice& s, Emit&& emit) const {
    const auto [left, right] = s.halves();
    emit(left);
    emit(right);
  }
  // A fork's own work, after its children joined: the merge.
  Sorted combine(const Slice& s, std::span<Sorted> children) const {
    return merge(s, children[0], children[1]);
  }
  std::uint64_t digest(const Sorted& v) const {
    const Digest d = weigh(v);
    if (d.unsorted_at != 0)
      throw apb::OpError(
          apb::cause::mismatch,
          fmt::format("not sorted: element {} is less than element {}",
                      d.unsorted_at, d.unsorted_at - 1));
    return d.sum;
  }
  std::uint64_t expected() const { return expected_; }
  // Relative work, in element steps: a leaf copies m numbers and sorts them
  // (about m log2 m), a fork merges its m numbers (m).
  double leaf_work(const Slice& s) const {
    const auto m = static_cast<double>(s.size());
    return m * (1 + std::log2(std::max(m, 1.0)));
  }
  double node_work(const Slice& s) const {
    return static_cast<double>(s.size());
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    const auto p = *fork_join_profile();
    return {{"serial merge sort",
             fmt::format("{} numbers in {} on one core (std::sort below {})",
                         n_, apb::format_duration(p.serial_s), grain_)}};
  }

 private:
  Sorted sort_leaf(const Slice& s) const {
    std::uint64_t* out = s.target();
    std::copy(input_.begin() + static_cast<std::ptrdiff_t>(s.begin),
              input_.begin() + static_cast<std::ptrdiff_t>(s.end), out);
    std::sort(out, out + s.size());
    return {out, s.size()};
  }
  static Sorted merge(const Slice& s, Sorted left, Sorted right) {
    std::uint64_t* out = s.target();
    std::merge(left.begin(), left.end(), right.begin(), right.end(), out);
    return {out, s.size()};
  }

  std::size_t n_ = 0, grain_ = 1;
  std::vector<std::uint64_t> input_;
  std::uint64_t expected_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(MergeSortWorkload);
