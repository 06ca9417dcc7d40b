// Reading the machine's noise from /proc and /sys (noise.hpp).
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "apbench/noise.hpp"

namespace apb {
namespace {

struct CpuTimes {
  unsigned long long total = 0, idle = 0, steal = 0;
  unsigned procs_running = 0;
  bool ok = false;
};

// The aggregate "cpu" line of /proc/stat (user nice system idle iowait irq
// softirq steal ...), and procs_running.
CpuTimes read_cpu_times() {
  CpuTimes t;
  std::ifstream in("/proc/stat");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name == "cpu") {
      unsigned long long v[8] = {};
      for (auto& x : v) fields >> x;
      for (auto x : v) t.total += x;
      t.idle = v[3] + v[4];  // idle + iowait
      t.steal = v[7];
      t.ok = static_cast<bool>(fields) || v[3] > 0;
    } else if (name == "procs_running") {
      fields >> t.procs_running;
    }
  }
  return t;
}

std::optional<double> read_load_average() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  if (in >> load) return load;
  return std::nullopt;
}

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string virtualization() {
  // The DMI vendor names the hypervisor on most clouds and desktops.
  const std::string vendor = first_line("/sys/class/dmi/id/sys_vendor");
  const std::string product = first_line("/sys/class/dmi/id/product_name");
  for (const char* name : {"KVM", "QEMU", "VMware", "VirtualBox", "Xen",
                           "Amazon EC2", "Google", "Microsoft Corporation"}) {
    if (vendor.find(name) != std::string::npos ||
        product.find(name) != std::string::npos)
      return std::string(name) == "Microsoft Corporation" ? "Hyper-V" : name;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0)
      return line.find(" hypervisor") != std::string::npos ? "hypervisor" : "";
  return "";
}

std::optional<bool> turbo() {
  const std::string no_turbo =
      first_line("/sys/devices/system/cpu/intel_pstate/no_turbo");
  if (!no_turbo.empty()) return no_turbo == "0";
  const std::string boost = first_line("/sys/devices/system/cpu/cpufreq/boost");
  if (!boost.empty()) return boost == "1";
  return std::nullopt;
}

}  // namespace

MachineNoise measure_noise(double window_s) {
  MachineNoise n;
  n.load_average = read_load_average();
  const CpuTimes a = read_cpu_times();
  std::this_thread::sleep_for(std::chrono::duration<double>(window_s));
  const CpuTimes b = read_cpu_times();
  if (a.ok && b.ok && b.total > a.total) {
    const double dt = static_cast<double>(b.total - a.total);
    n.cpu_busy = static_cast<double>((b.total - a.total) - (b.idle - a.idle) -
                                     (b.steal - a.steal)) /
                 dt;
    n.cpu_steal = static_cast<double>(b.steal - a.steal) / dt;
  }
  // procs_running counts this thread, which is running as it reads.
  if (b.ok && b.procs_running > 0) n.other_runnable = b.procs_running - 1;
  n.virtualization = virtualization();
  n.governor =
      first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  n.turbo = turbo();
  return n;
}

NoiseProbe::NoiseProbe() {
  const CpuTimes t = read_cpu_times();
  total_ = t.total;
  idle_ = t.idle;
  steal_ = t.steal;
}

MachineNoise NoiseProbe::sample() {
  MachineNoise n;
  n.load_average = read_load_average();
  const CpuTimes t = read_cpu_times();
  if (t.ok && t.total > total_) {
    const double dt = static_cast<double>(t.total - total_);
    n.cpu_busy = static_cast<double>((t.total - total_) - (t.idle - idle_) -
                                     (t.steal - steal_)) /
                 dt;
    n.cpu_steal = static_cast<double>(t.steal - steal_) / dt;
  }
  total_ = t.total;
  idle_ = t.idle;
  steal_ = t.steal;
  return n;
}

}  // namespace apb
