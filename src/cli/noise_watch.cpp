#include "noise_watch.hpp"

namespace apb::cli {

NoiseWatch::NoiseWatch(const RunContext& context)
    : before_(context.noise), cores_(context.cores) {}

std::string NoiseWatch::finished(const RunResult& run) {
  const MachineNoise during = probe_.sample();
  const auto warning = spread_warning(run, before_, during, cores_);
  if (!warning) return "";
  // Wrapped at word boundaries, continuation lines indented.
  std::string out, line = "apbench: warning: ";
  std::size_t start = 0;
  const std::string& text = *warning;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    std::size_t cols = 0;
    for (unsigned char c : line + " " + word) cols += (c & 0xC0) != 0x80;
    if (cols > 100 && line.size() > 2) {
      out += line + '\n';
      line = "  " + word;
    } else {
      line += (line.back() == ' ' ? "" : " ") + word;
    }
    start = end + 1;
  }
  return out + line + '\n';
}

}  // namespace apb::cli
