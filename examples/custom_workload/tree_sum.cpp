// A fork-join workload: the sum 0 + 1 + ... + (n - 1), halving the range
// until it has `grain` numbers or fewer. Written once; every strategy forks
// and joins the halves in its own model (see docs/extending.md).
#include <apbench/apbench.hpp>

namespace {

// A subproblem: the numbers [begin, end).
struct Range {
  std::uint64_t begin = 0, end = 0;
};

class TreeSum final : public apb::ForkJoinWorkload<TreeSum, Range> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "example.tree_sum",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "0 + 1 + ... + (n - 1) by halving, forked down to "
            "`grain` numbers",
        .params =
            {{"n", apb::ParamType::integer, "10000000", "numbers to add", {}},
             {"grain",
              apb::ParamType::integer,
              "100000",
              "ranges this long or shorter are added serially",
              {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    n_ = static_cast<std::uint64_t>(run.params.integer("n"));
    grain_ = static_cast<std::uint64_t>(run.params.integer("grain"));
    if (n_ < 1 || grain_ < 1)
      throw apb::UsageError("n and grain must be 1 or more");
    profile(run, "example.tree_sum/tree");  // counts the tree, times solve
  }

  // The problem of one op, when to stop forking, and the serial code.
  Range root() const { return {0, n_}; }
  bool is_leaf(const Range& r) const { return r.end - r.begin <= grain_; }
  std::uint64_t solve(const Range& r) const {
    std::uint64_t sum = 0;
    for (std::uint64_t i = r.begin; i < r.end; ++i) sum += i;
    return sum;
  }
  // The children of a fork; their values are added.
  template <class Emit>
  void split(const Range& r, Emit&& emit) const {
    const std::uint64_t middle = r.begin + (r.end - r.begin) / 2;
    emit(Range{r.begin, middle});
    emit(Range{middle, r.end});
  }
  // The known answer: a wrong one fails the op.
  std::uint64_t expected() const { return n_ * (n_ - 1) / 2; }

 private:
  std::uint64_t n_ = 0, grain_ = 1;
};

}  // namespace

APB_REGISTER_WORKLOAD(TreeSum);
