#pragma once
// Process-wide resource readings: CPU time, context switches, peak memory.
#include <cstdint>

namespace apb {

struct ResourceUsage {
  double user_s = 0;
  double system_s = 0;
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;
};

// getrusage(RUSAGE_SELF): all threads of this process.
ResourceUsage resource_usage();
ResourceUsage operator-(const ResourceUsage& a, const ResourceUsage& b);

// Resets the kernel's peak-RSS mark for this process (writes 5 to
// /proc/self/clear_refs); false when the kernel refuses.
bool reset_peak_rss();
// VmHWM of this process in bytes (getrusage's ru_maxrss carries over across
// execve, so it is not used); 0 when unavailable.
std::uint64_t peak_rss_bytes();

}  // namespace apb
