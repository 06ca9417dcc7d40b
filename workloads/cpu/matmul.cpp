// cpu.matmul: C = A x B for n x n integer matrices by recursive division
// of C into quadrants (4 children per fork, no two writing the same block)
// down to blocks of at most `grain` x `grain`, each computed over all of k.
// The checksum (the sum of C's entries) is checked against the identity
// sum(C) = sum_k (column k of A summed) x (row k of B summed).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

// Rows [row, row + rows) and columns [col, col + cols) of C.
struct Block {
  std::size_t row = 0, col = 0, rows = 0, cols = 0;
};

class MatmulWorkload final
    : public apb::ForkJoinWorkload<MatmulWorkload, Block> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.matmul",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "n x n integer matrix product, C split into quadrants "
            "down to grain x grain blocks; checksum checked",
        .params =
            {{"n", apb::ParamType::integer, "256", "matrix side (1..4096)", {}},
             {"grain",
              apb::ParamType::integer,
              "32",
              "blocks of C this wide or narrower are computed serially "
              "(0: fork down to single entries)",
              {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto n = run.params.integer("n");
    const auto grain = run.params.integer("grain");
    if (n < 1 || n > 4096)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'n': expected 1..4096", n));
    if (grain < 0)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 0 or more", grain));
    n_ = static_cast<std::size_t>(n);
    grain_ = static_cast<std::size_t>(grain);
    a_.resize(n_ * n_);
    b_.resize(n_ * n_);
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t j = 0; j < n_; ++j) {
        a_[i * n_ + j] = (i * 7 + j * 3) % 11;
        b_[i * n_ + j] = (i * 5 + j * 2) % 13;
      }
    expected_ = 0;
    for (std::size_t k = 0; k < n_; ++k) {
      std::uint64_t column_of_a = 0, row_of_b = 0;
      for (std::size_t i = 0; i < n_; ++i) {
        column_of_a += a_[i * n_ + k];
        row_of_b += b_[k * n_ + i];
      }
      expected_ += column_of_a * row_of_b;
    }
    profile(run, "cpu.matmul/tree");
  }

  Block root() const { return {0, 0, n_, n_}; }
  bool is_leaf(const Block& b) const {
    return std::max(b.rows, b.cols) <= std::max<std::size_t>(grain_, 1);
  }
  std::uint64_t solve(const Block& b) const {
    // Row by row: C's row += a(i,k) x B's row k, so B is read in order.
    std::vector<std::uint64_t> row(b.cols);
    std::uint64_t sum = 0;
    for (std::size_t i = b.row; i < b.row + b.rows; ++i) {
      std::fill(row.begin(), row.end(), 0);
      for (std::size_t k = 0; k < n_; ++k) {
        const std::uint64_t aik = a_[i * n_ + k];
        const std::uint64_t* bk = &b_[k * n_ + b.col];
        for (std::size_t j = 0; j < b.cols; ++j) row[j] += aik * bk[j];
      }
      for (const std::uint64_t c : row) sum += c;
    }
    return sum;
  }
  template <class Emit>
  void split(const Block& b, Emit&& emit) const {
    const std::size_t top = (b.rows + 1) / 2, left = (b.cols + 1) / 2;
    for (const auto& [r, rs] :
         {std::pair{b.row, top}, std::pair{b.row + top, b.rows - top}})
      for (const auto& [c, cs] :
           {std::pair{b.col, left}, std::pair{b.col + left, b.cols - left}})
        if (rs > 0 && cs > 0) emit(Block{r, c, rs, cs});
  }
  double leaf_work(const Block& b) const {
    return static_cast<double>(b.rows * b.cols);
  }
  std::uint64_t expected() const { return expected_; }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {{"serial product",
             fmt::format("{} x {} in {} on one core", n_, n_,
                         apb::format_duration(fork_join_profile()->serial_s))}};
  }

 private:
  std::size_t n_ = 0;
  std::size_t grain_ = 0;
  std::vector<std::uint64_t> a_, b_;
  std::uint64_t expected_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(MatmulWorkload);
