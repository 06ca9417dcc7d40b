#include "engine/system_metrics.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace apb {
namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) +
         static_cast<double>(tv.tv_usec) * 1e-6;
}

}  // namespace

ResourceUsage resource_usage() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_nvcsw,
          ru.ru_nivcsw};
}

ResourceUsage operator-(const ResourceUsage& a, const ResourceUsage& b) {
  // The runner subtracts the thread monitor's own usage from the process's,
  // and the two are not read at the same instants (the monitor starts
  // before the process's first reading), so the difference can dip a
  // switch or two below zero (seen: -1 voluntary switches): none is.
  auto count = [](std::int64_t after, std::int64_t before) {
    return std::max<std::int64_t>(0, after - before);
  };
  return {std::max(0.0, a.user_s - b.user_s),
          std::max(0.0, a.system_s - b.system_s),
          count(a.voluntary_switches, b.voluntary_switches),
          count(a.involuntary_switches, b.involuntary_switches)};
}

bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

std::uint64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

unsigned thread_count() {
  // Field 20 of /proc/self/stat; the command name (field 2) may contain
  // spaces, so count from the closing parenthesis.
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)),
                   std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 20 && fields >> field; ++i)
    if (i == 20) return static_cast<unsigned>(std::stoul(field));
  return 0;
}

ThreadCountMonitor::ThreadCountMonitor(std::chrono::milliseconds period)
    : period_(period) {
  peak_ = thread_count();
  thread_ = std::thread([this] { sample_until_stopped(); });
}

ThreadCountMonitor::~ThreadCountMonitor() { stop(); }

void ThreadCountMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ThreadCountMonitor::sample_until_stopped() {
  rusage before{};
  getrusage(RUSAGE_THREAD, &before);
  std::unique_lock lock(mutex_);
  unsigned peak = 0;
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    const unsigned now = thread_count();
    if (now > peak) peak = now;
  }
  rusage after{};
  getrusage(RUSAGE_THREAD, &after);
  own_ = ResourceUsage{seconds(after.ru_utime), seconds(after.ru_stime),
                       after.ru_nvcsw, after.ru_nivcsw} -
         ResourceUsage{seconds(before.ru_utime), seconds(before.ru_stime),
                       before.ru_nvcsw, before.ru_nivcsw};
  // Written under the mutex; stop() reads it after join().
  peak_ = std::max(peak_, peak > 0 ? peak - 1 : 0u);
}

}  // namespace apb
