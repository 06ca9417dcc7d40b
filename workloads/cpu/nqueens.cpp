// cpu.nqueens: counts the ways to place n queens on an n x n board, none
// attacking another. Every placement of a queen in the next row is a child
// of the fork; once `grain` rows or fewer are left, the plain bitmask
// backtracking counts the rest serially. Counts are checked against the
// known solution numbers.
#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

// Solutions for n = 1..18 (OEIS A000170).
constexpr std::array<std::uint64_t, 18> kSolutions = {
    1,   0,    0,     2,     10,     4,       40,       92,       352,
    724, 2680, 14200, 73712, 365596, 2279184, 14772512, 95815104, 666090624};

// A partial board: queens on rows [0, row), the columns and both diagonals
// they attack (as bit masks over the columns of `row`).
struct Board {
  int row = 0;
  std::uint32_t cols = 0, left = 0, right = 0;
};

class NQueensWorkload final
    : public apb::ForkJoinWorkload<NQueensWorkload, Board> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.nqueens",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "counts the n-queens solutions, forking one task per "
            "queen placed until `grain` rows are left; checked",
        .params =
            {{"n", apb::ParamType::integer, "12", "board size (1..18)", {}},
             {"grain",
              apb::ParamType::integer,
              "9",
              "boards with this many rows or fewer left are counted "
              "serially (0: fork every placement)",
              {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto n = run.params.integer("n");
    const auto grain = run.params.integer("grain");
    if (n < 1 || n > 18)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'n': expected 1..18", n));
    if (grain < 0)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 0 or more", grain));
    n_ = static_cast<int>(n);
    grain_ = static_cast<int>(grain);
    full_ = (std::uint32_t{1} << n_) - 1;
    profile(run, "cpu.nqueens/tree");
  }

  Board root() const { return {}; }
  bool is_leaf(const Board& b) const {
    return b.row == n_ || n_ - b.row <= grain_;
  }
  std::uint64_t solve(const Board& b) const { return count(b); }
  template <class Emit>
  void split(const Board& b, Emit&& emit) const {
    for_each_placement(b, emit);
  }
  std::uint64_t expected() const { return kSolutions[n_ - 1]; }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"serial count",
         fmt::format("{} solutions for n = {} in {} on one core", expected(),
                     n_, apb::format_duration(fork_join_profile()->serial_s))}};
  }

 private:
  template <class F>
  void for_each_placement(const Board& b, F&& f) const {
    std::uint32_t free = full_ & ~(b.cols | b.left | b.right);
    while (free != 0) {
      const std::uint32_t bit = free & (~free + 1);  // lowest free column
      free ^= bit;
      f(Board{b.row + 1, b.cols | bit, ((b.left | bit) << 1) & full_,
              (b.right | bit) >> 1});
    }
  }
  std::uint64_t count(const Board& b) const {
    if (b.row == n_) return 1;
    std::uint64_t total = 0;
    for_each_placement(b, [&](const Board& next) { total += count(next); });
    return total;
  }

  int n_ = 0;
  int grain_ = 0;
  std::uint32_t full_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(NQueensWorkload);
