#pragma once
// An output file (--json FILE, --csv FILE, ...): its path checked before
// anything runs, and written so that a file already there is never left
// empty or half-written: to a temporary file beside it, renamed into place.
// Only regular files and /dev/null are taken: a FIFO or a device could
// block the end of the run (a reader that never comes) or fail it late.
// A symbolic link is followed: the file it names is replaced, the link
// stays; a link to nothing is refused. The temporary file is named with
// the process id (".NAME.apbench-<pid>-XXXXXX"): one that an apbench
// killed while writing left is removed by the next that writes NAME.
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "apbench/results.hpp"

namespace apb::cli {

class OutputFile {
 public:
  using Write = std::function<void(std::ostream&, const Results&)>;

  // Throws UsageError naming `flag` when `path` is empty, is a directory,
  // a FIFO, a device other than /dev/null or a dangling link, lies in a
  // folder that does not exist or cannot be written, or (with
  // `console_on_stdout`) is the standard output the console report goes
  // to. `pipe_ok`: a pipe is taken too (a process of --forks writes its
  // results into one its parent reads).
  OutputFile(std::string flag, std::string path, Write write,
             bool console_on_stdout = true, bool pipe_ok = false);

  const std::string& flag() const { return flag_; }
  const std::string& path() const { return path_; }
  // The file it resolves to (symbolic links and relative folders
  // resolved), for telling two outputs to the same file apart.
  const std::string& resolved() const { return resolved_; }
  // Whether it is written in place (/dev/null, a --forks process's pipe)
  // rather than renamed: such outputs are written once, at the end.
  bool direct() const { return direct_; }

  // Writes `results`; returns what went wrong (one line), or nullopt.
  std::optional<std::string> write(const Results& results) const;
  // Writes what `body` puts out (another document: a comparison); the same
  // atomic replacement.
  std::optional<std::string> write_with(
      const std::function<void(std::ostream&)>& body) const;

 private:
  std::string flag_;
  std::string path_;
  std::string resolved_;
  std::string folder_;  // of resolved_
  bool direct_ = false;
  unsigned mode_ = 0644;  // permissions the file gets
  Write write_;
};

// Checks --charts DIR before anything runs: an existing directory that can
// be written, or a new one inside an existing directory (only the last
// folder is created). Throws UsageError naming `flag` otherwise.
void check_output_directory(const std::string& flag, const std::string& dir);

}  // namespace apb::cli
