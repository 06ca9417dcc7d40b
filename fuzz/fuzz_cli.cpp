// The whole command line: NUL-separated arguments parsed into options and
// turned into a plan (nothing runs). Bad input: exit 2, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "cli/options.hpp"
#include "cli/plan.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // --help and --list print; keep the fuzzer's output readable.
  if (std::freopen("/dev/null", "w", stdout) == nullptr) return 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::vector<std::string> args = {"apbench"};
  std::string arg;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += static_cast<char>(data[i]);
    }
  }
  args.push_back(arg);
  if (args.size() > 64) return 0;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  apb::cli::Options options;
  const auto outcome = apb::cli::parse_options(static_cast<int>(args.size()),
                                               argv.data(), options);
  if (outcome != apb::cli::ParseOutcome::run || options.list) return 0;
  try {
    (void)apb::cli::plan_from_options(options);
  } catch (const apb::UsageError&) {
  }
  return 0;
}
