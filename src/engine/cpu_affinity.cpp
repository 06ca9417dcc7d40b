// --cpus: the process's CPU affinity (cpu_affinity.hpp).
#include "apbench/cpu_affinity.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <sys/sysinfo.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "apbench/error.hpp"
#include "apbench/units.hpp"

namespace apb {
namespace {

[[noreturn]] void bad_list(std::string_view text) {
  throw UsageError(
      fmt::format("bad value '{}' for --cpus: expected CPU numbers and ranges, "
                  "comma-separated (e.g. 0,1 or 0-3)",
                  text));
}

unsigned cpu_number(std::string_view text, std::string_view whole) {
  try {
    const auto n = parse_integer(text);
    if (n >= CPU_SETSIZE) bad_list(whole);
    return static_cast<unsigned>(n);
  } catch (const UsageError&) {
    bad_list(whole);
  }
}

}  // namespace

std::vector<unsigned> parse_cpu_list(std::string_view text) {
  std::vector<unsigned> cpus;
  std::string_view rest = text;
  if (rest.empty()) bad_list(text);
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto dash = item.find('-');
    if (item.empty()) bad_list(text);
    if (dash == std::string_view::npos) {
      cpus.push_back(cpu_number(item, text));
    } else {
      const unsigned lo = cpu_number(item.substr(0, dash), text);
      const unsigned hi = cpu_number(item.substr(dash + 1), text);
      if (hi < lo) bad_list(text);
      for (unsigned c = lo; c <= hi; ++c) cpus.push_back(c);
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

void pin_to_cpus(std::string_view list) {
  const std::vector<unsigned> cpus = parse_cpu_list(list);
  const auto online = static_cast<unsigned>(std::max(1, get_nprocs()));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned c : cpus) {
    if (c >= online)
      throw UsageError(
          fmt::format("--cpus {}: there is no CPU {} (this machine has 0-{})",
                      list, c, online - 1));
    CPU_SET(c, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw UsageError(fmt::format("--cpus {}: cannot pin apbench: {}", list,
                                 std::strerror(errno)));
  // A cpuset (container, taskset of the parent) may allow fewer: the kernel
  // then silently keeps only those.
  cpu_set_t got;
  CPU_ZERO(&got);
  if (sched_getaffinity(0, sizeof got, &got) == 0 && !CPU_EQUAL(&got, &set))
    throw UsageError(
        fmt::format("--cpus {}: only CPUs {} of them are available to apbench",
                    list, allowed_cpus()));
}

std::string allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return "";
  std::string out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &set)) continue;
    int end = c;
    while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set)) ++end;
    // fmt into the string: g++ 12 -O3 sees a false overflow in
    // "," + std::string (-Wstringop-overflow).
    if (!out.empty()) out += ',';
    if (end == c)
      fmt::format_to(std::back_inserter(out), "{}", c);
    else
      fmt::format_to(std::back_inserter(out), "{}-{}", c, end);
    c = end;
  }
  return out;
}

}  // namespace apb
