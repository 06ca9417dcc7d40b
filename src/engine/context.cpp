#include "apbench/context.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <oneapi/tbb/version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <chrono>
#include <fstream>

#include "apbench/cpu_affinity.hpp"
#include "apbench/noise.hpp"
#include "apbench/runner.hpp"
#include "apbench_build_info.hpp"

namespace apb {
namespace {

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string os_name() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return fmt::format("{} {} {}", u.sysname, u.release, u.machine);
}

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  return fmt::format("g++ {}", __VERSION__);
#else
  return "unknown";
#endif
}

}  // namespace

RunContext current_context(std::string command_line) {
  RunContext c;
  c.apbench_version = APBENCH_VERSION;
  c.date = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       fmt::gmtime(std::chrono::system_clock::to_time_t(
                           std::chrono::system_clock::now())));
  c.host = host_name();
  c.cores = hardware_threads();
  c.cpu_model = cpu_model();
  c.os = os_name();
  c.compiler = compiler();
  c.build_type = APBENCH_BUILD_TYPE;
#ifdef __OPTIMIZE__
  c.optimized = true;
#else
  c.optimized = false;
#endif
  c.libraries["boost"] =
      fmt::format("{}.{}.{}", BOOST_VERSION / 100000,
                  BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100);
  c.libraries["onetbb"] = TBB_VERSION_STRING;
  c.libraries["fmt"] = fmt::format("{}.{}.{}", FMT_VERSION / 10000,
                                   FMT_VERSION / 100 % 100, FMT_VERSION % 100);
  c.command_line = std::move(command_line);
  c.cpus = allowed_cpus();
  c.noise = measure_noise();
  return c;
}

}  // namespace apb
