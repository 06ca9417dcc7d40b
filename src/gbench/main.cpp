// apbench_gbench: every built-in workload under every strategy as a Google
// Benchmark benchmark (apbench/gbench.hpp), at the workloads' default loads;
// Google Benchmark's flags (--benchmark_filter, --benchmark_repetitions,
// --benchmark_format=json, ...) work as in any benchmark binary. A few
// --apbench_* flags, taken out before Google Benchmark sees the rest, set
// what apbench's own command line would.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/gbench.hpp"
#include "apbench/units.hpp"

namespace {

constexpr const char* kHelp = R"(
apbench flags (before or among Google Benchmark's):
  --apbench_set=NAME=VALUE  a workload parameter, as apbench --set
                            (WORKLOAD.NAME=VALUE for one workload); repeatable
  --apbench_ops=N           ops per repetition (default: each workload's)
  --apbench_concurrency=C   ops in flight (default: each workload's)
  --apbench_threads=T       threads of the pools (default: hardware threads)
  --apbench_warmup=W        unmeasured repetitions before each benchmark's
                            timed iterations (default 1)
  --apbench_seed=S          seed of random parameters (default 1)
Benchmarks are named WORKLOAD/STRATEGY/ops:N/PARAM:VALUE.../process_time/
manual_time; one iteration is one apbench repetition.
)";

void print_help() {
  benchmark::PrintDefaultHelp();
  std::fputs(kHelp, stdout);
}

std::uint64_t count(std::string_view flag, const std::string& text,
                    std::int64_t min) {
  std::int64_t v = 0;
  try {
    v = apb::parse_integer(text);
  } catch (const apb::UsageError& e) {
    throw apb::UsageError(fmt::format("{}: {}", flag, e.what()));
  }
  if (v < min)
    throw apb::UsageError(fmt::format(
        "bad value '{}' for {}: expected at least {}", text, flag, min));
  return static_cast<std::uint64_t>(v);
}

// Takes the --apbench_* flags out of argv into options.
apb::gbench::Options parse_apbench_flags(int& argc, char** argv) {
  apb::gbench::Options options;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.starts_with("--apbench_")) {
      argv[kept++] = argv[i];
      continue;
    }
    const auto eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    if (eq == std::string::npos)
      throw apb::UsageError(fmt::format("{}: expected {}=VALUE", arg, arg));
    const std::string value = arg.substr(eq + 1);
    if (flag == "--apbench_set") {
      options.settings.push_back(value);
    } else if (flag == "--apbench_ops") {
      options.ops = count(flag, value, 1);
    } else if (flag == "--apbench_concurrency") {
      options.concurrency = count(flag, value, 1);
    } else if (flag == "--apbench_threads") {
      options.threads = static_cast<unsigned>(count(flag, value, 1));
    } else if (flag == "--apbench_warmup") {
      options.warmup = static_cast<unsigned>(count(flag, value, 0));
    } else if (flag == "--apbench_seed") {
      options.seed = count(flag, value, 0);
    } else {
      throw apb::UsageError(fmt::format(
          "unknown flag '{}' (see --help for the --apbench_* flags)", flag));
    }
  }
  argv[kept] = nullptr;
  argc = kept;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    apb::gbench::register_benchmarks(parse_apbench_flags(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apbench_gbench: error: %s\n", e.what());
    return 2;
  }
  benchmark::Initialize(&argc, argv, print_help);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
