#include "output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>
#include <vector>

#include "apbench/error.hpp"

namespace apb::cli {
namespace {

std::string real_path(const std::string& path) {
  std::vector<char> buffer(PATH_MAX + 1);
  if (::realpath(path.c_str(), buffer.data()) == nullptr) return {};
  return buffer.data();
}

// Writes all of `text` to `fd`; false with errno set when it could not.
bool write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// What `st` is, for a line refusing it.
std::string file_type(const struct stat& st) {
  if (S_ISFIFO(st.st_mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool is_dev_null(const struct stat& st) {
  struct stat null {};
  return S_ISCHR(st.st_mode) && ::stat("/dev/null", &null) == 0 &&
         st.st_rdev == null.st_rdev;
}

// The temporary file a write of `base` makes beside it, named with this
// process's id so that a later apbench can tell a dead one's leftovers.
std::string temp_prefix(const std::string& base, pid_t pid) {
  return "." + base + ".apbench-" + std::to_string(pid) + "-";
}

// Removes, from `folder`, the temporary files of `base` that an apbench
// killed while writing it left (".BASE.apbench-<pid>-XXXXXX" of a process
// that no longer exists, owned by this user). Never fails.
void reap_temp_files(const std::string& folder, const std::string& base) {
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) return;
  const std::string head = "." + base + ".apbench-";
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(head) || name.size() < head.size() + 8) continue;
    const std::string_view rest = name.substr(head.size());
    pid_t pid = 0;
    const auto [end, ec] =
        std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || pid <= 0 || pid == ::getpid() ||
        static_cast<std::size_t>(rest.data() + rest.size() - end) != 7 ||
        *end != '-')
      continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or unknown
    const std::string path = folder + "/" + std::string(name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_uid == ::getuid())
      ::unlink(path.c_str());
  }
  ::closedir(dir);
}

unsigned default_mode() {
  const mode_t mask = ::umask(0);  // read it: umask has no getter
  ::umask(mask);
  return 0666u & ~static_cast<unsigned>(mask);
}

}  // namespace

OutputFile::OutputFile(std::string flag, std::string path, Write write,
                       bool console_on_stdout, bool pipe_ok)
    : flag_(std::move(flag)), path_(std::move(path)), write_(std::move(write)) {
  const auto fail = [&](const std::string& why) {
    return UsageError(
        fmt::format("cannot write {} '{}': {}", flag_, path_, why));
  };
  if (path_.empty())
    throw UsageError(fmt::format("{} needs a file name, got ''", flag_));
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw fail("it is a directory");
    struct stat out {};
    if (console_on_stdout && !is_dev_null(st) &&
        ::fstat(STDOUT_FILENO, &out) == 0 && same_file(st, out))
      throw fail(
          "it is the standard output, where the console report goes too; "
          "give a file of its own");
    resolved_ = real_path(path_);
    if (!S_ISREG(st.st_mode)) {
      if (!is_dev_null(st) && !(pipe_ok && S_ISFIFO(st.st_mode)))
        throw fail(fmt::format(
            "it is {}, which could block or fail apbench at the end; "
            "expected a regular file or /dev/null",
            file_type(st)));
      // Written in place, once (/dev/fd/3 may resolve to no name).
      if (resolved_.empty()) resolved_ = path_;
      direct_ = true;
      return;
    }
    if (resolved_.empty()) throw fail(std::strerror(errno));
    if (::access(path_.c_str(), W_OK) != 0) throw fail(std::strerror(errno));
    mode_ = st.st_mode & 07777;
    folder_ = resolved_.substr(0, resolved_.rfind('/'));
    if (folder_.empty()) folder_ = "/";
  } else {
    if (::lstat(path_.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
      throw fail("it is a symbolic link to a file that does not exist");
    const auto slash = path_.rfind('/');
    const std::string folder =
        slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    const std::string name =
        slash == std::string::npos ? path_ : path_.substr(slash + 1);
    if (name.empty()) throw fail("it names a directory, not a file");
    folder_ = real_path(folder);
    if (folder_.empty())
      throw fail(fmt::format("folder '{}': {}", folder, std::strerror(errno)));
    resolved_ = (folder_ == "/" ? "" : folder_) + "/" + name;
    mode_ = default_mode();
  }
  // The folder must take the temporary file the rename needs.
  if (::access(folder_.c_str(), W_OK | X_OK) != 0)
    throw fail(std::strerror(errno));
  reap_temp_files(folder_, resolved_.substr(resolved_.rfind('/') + 1));
}

void check_output_directory(const std::string& flag, const std::string& dir) {
  const auto fail = [&](const std::string& why) {
    return UsageError(fmt::format("cannot write {} '{}': {}", flag, dir, why));
  };
  if (dir.empty())
    throw UsageError(fmt::format("{} needs a directory name, got ''", flag));
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw fail(
          "it exists and is not a directory; give a directory (an existing "
          "one, or a new one inside an existing directory)");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      throw fail(std::strerror(errno));
    return;
  }
  if (errno != ENOENT) throw fail(std::strerror(errno));
  std::string parent = dir;
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  const auto slash = parent.rfind('/');
  parent = slash == std::string::npos ? "."
           : slash == 0               ? "/"
                                      : parent.substr(0, slash);
  if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw fail(fmt::format(
        "the folder '{}' it would be created in does not exist (apbench "
        "creates only the last folder of the path)",
        parent));
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw fail(fmt::format("folder '{}': {}", parent, std::strerror(errno)));
}

std::optional<std::string> OutputFile::write(const Results& results) const {
  return write_with([&](std::ostream& out) { write_(out, results); });
}

std::optional<std::string> OutputFile::write_with(
    const std::function<void(std::ostream&)>& body) const {
  std::ostringstream text;
  body(text);
  const auto failed = [&](int error) -> std::optional<std::string> {
    return fmt::format("writing {} '{}' failed: {}", flag_, path_,
                       std::strerror(error));
  };
  if (direct_) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return failed(errno);
    const bool ok = write_all(fd, text.str());
    const int error = errno;
    ::close(fd);
    if (!ok) return failed(error);
    return std::nullopt;
  }
  const std::string base = resolved_.substr(resolved_.rfind('/') + 1);
  std::string temp = folder_ + (folder_ == "/" ? "" : "/") +
                     temp_prefix(base, ::getpid()) + "XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return failed(errno);
  bool ok = ::fchmod(fd, static_cast<mode_t>(mode_)) == 0 &&
            write_all(fd, text.str()) && ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && ::rename(temp.c_str(), resolved_.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return failed(error);
  }
  return std::nullopt;
}

}  // namespace apb::cli
