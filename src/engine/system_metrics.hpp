#pragma once
// Process-wide resource readings: CPU time, context switches, peak memory.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

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

// Threads of this process now (/proc/self/stat); 0 when unavailable.
unsigned thread_count();

// Samples the process's thread count every `period` on its own thread, to
// find the peak while a repetition runs (e.g. a thread per op, or oneTBB
// workers on top of a pool: oversubscription). Its own thread and its
// context switches are taken out of what it reports.
class ThreadCountMonitor {
 public:
  explicit ThreadCountMonitor(std::chrono::milliseconds period);
  ~ThreadCountMonitor();
  ThreadCountMonitor(const ThreadCountMonitor&) = delete;
  ThreadCountMonitor& operator=(const ThreadCountMonitor&) = delete;

  // Stops sampling; the peak excludes the monitor's thread.
  void stop();
  unsigned peak_threads() const { return peak_; }
  // CPU time and switches of the monitor's thread (subtract them from the
  // process's).
  const ResourceUsage& own_usage() const { return own_; }

 private:
  void sample_until_stopped();
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  unsigned peak_ = 0;
  ResourceUsage own_;
  std::thread thread_;
};

}  // namespace apb
