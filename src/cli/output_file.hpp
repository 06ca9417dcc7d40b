#pragma once
// An output file (--json FILE, --csv FILE, ...): its path checked before
// anything runs, and written so that a file already there is never left
// empty or half-written: to a temporary file beside it, renamed into place.
// A path that is not a regular file (/dev/stdout, a pipe, /dev/full) is
// written directly.
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
  // or lies in a folder that does not exist or cannot be written.
  OutputFile(std::string flag, std::string path, Write write);

  const std::string& flag() const { return flag_; }
  const std::string& path() const { return path_; }
  // The file it resolves to (symbolic links and relative folders
  // resolved), for telling two outputs to the same file apart.
  const std::string& resolved() const { return resolved_; }
  // Whether it is written in place (a device or pipe) rather than renamed:
  // such outputs are written once, at the end.
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

}  // namespace apb::cli
