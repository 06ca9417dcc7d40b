#include "temp_folders.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <string>
#include <string_view>

namespace apb::cli {
namespace {

namespace fs = std::filesystem;

// The pid in "apbench-<what>-<pid>-XXXXXX", or 0 when the name is not one.
pid_t pid_of(std::string_view name) {
  if (!name.starts_with("apbench-") || name.size() < 8 + 2 + 1 + 1 + 6)
    return 0;
  if (name[name.size() - 7] != '-') return 0;
  const std::string_view head = name.substr(0, name.size() - 7);
  const auto dash = head.rfind('-');
  if (dash == std::string_view::npos || dash < 8) return 0;
  const std::string_view digits = head.substr(dash + 1);
  pid_t pid = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0)
    return 0;
  return pid;
}

bool gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

void reap_temp_folders() noexcept {
  try {
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path(ec);
    if (ec) return;
    for (fs::directory_iterator it(tmp, ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const pid_t pid = pid_of(name);
      if (pid == 0 || pid == ::getpid()) continue;
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
          st.st_uid != ::getuid() || !gone(pid))
        continue;
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  } catch (...) {  // a folder that cannot be listed or removed stays
  }
}

}  // namespace apb::cli
