// cpu.fib: the Fibonacci number fib(n) by naive doubly recursive calls,
// the classic measure of what spawning and joining a task costs. Every
// call above the grain forks fib(n-1) and fib(n-2); at or below it the
// plain recursive function runs serially.
#include <fmt/format.h>

#include <cmath>

#include "apbench/error.hpp"
#include "apbench/fork_join.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

std::uint64_t serial_fib(int n) {
  return n < 2 ? static_cast<std::uint64_t>(n)
               : serial_fib(n - 1) + serial_fib(n - 2);
}

class FibWorkload final : public apb::ForkJoinWorkload<FibWorkload, int> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.fib",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "fib(n) by doubly recursive fork-join calls, serial at "
            "or below n = grain; the answer is checked",
        .params = {{"n",
                    apb::ParamType::integer,
                    "35",
                    "the Fibonacci number to compute",
                    {}},
                   {"grain",
                    apb::ParamType::integer,
                    "24",
                    "calls with n at or below it run serially (0: fork every "
                    "call)",
                    {}}},
        .forms = apb::form_fork_join,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto n = run.params.integer("n");
    const auto grain = run.params.integer("grain");
    if (n < 1 || n > 60)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'n': expected 1..60", n));
    if (grain < 0)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'grain': expected 0 or more", grain));
    n_ = static_cast<int>(n);
    grain_ = static_cast<int>(grain);
    expected_ = 0;
    for (std::uint64_t a = 0, b = 1, i = 0; i < static_cast<std::uint64_t>(n_);
         ++i) {
      expected_ = b;
      b = a + b;
      a = expected_;
    }
    profile(run, "cpu.fib/tree");
  }

  int root() const { return n_; }
  bool is_leaf(int n) const { return n < 2 || n <= grain_; }
  std::uint64_t solve(int n) const { return serial_fib(n); }
  template <class Emit>
  void split(int n, Emit&& emit) const {
    emit(n - 1);
    emit(n - 2);
  }
  // serial_fib(n) makes about 2 fib(n+1) - 1 calls: phi^n grows alike.
  double leaf_work(int n) const { return std::pow(1.618033988749895, n); }
  std::uint64_t expected() const { return expected_; }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    const auto p = *fork_join_profile();
    return {{"serial fib",
             fmt::format("fib({}) = {} in {} on one core", n_, expected_,
                         apb::format_duration(p.serial_s))}};
  }

 private:
  int n_ = 0;
  int grain_ = 0;
  std::uint64_t expected_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(FibWorkload);
