#pragma once
// io.file's data: `count` temporary files of `size` bytes with seeded
// content, each unlinked as soon as it is open (the descriptors keep the
// data, and nothing is left behind however the process ends, SIGKILL
// included).
//
// One set is shared by every run that asks for the same files while it is
// alive: the strategies of a run group are set up together (their
// repetitions interleave), and they all read the same bytes (same seed), so
// one set serves them all. Disk space and descriptors are then those of one
// strategy's files, whatever the number of strategies, and the checks before
// creating a set cover exactly what will be alive. Reads never change the
// files, so strategies cannot disturb each other through them.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace apb::io {

// Content: word j of file f is mix64(op_seed(seed, f) + j), stored little
// endian, the last word cut to the file's size. Its digest is a polynomial
// hash of the words (order matters), finalised with mix64, so the run's
// checksum depends only on --seed, `files`, `size` and the ops.
std::uint64_t file_digest(const unsigned char* data, std::size_t size);

// What identifies a set: where, how many, how big, which content.
struct FileSetSpec {
  std::filesystem::path directory;  // the temporary folder (TMPDIR)
  std::size_t count = 0;
  std::size_t size = 0;
  std::uint64_t seed = 0;
  auto operator<=>(const FileSetSpec&) const = default;
};

class FileSet {
 public:
  struct File {
    int fd = -1;  // open for reading with pread; shared by all threads
    std::size_t index = 0;
    std::uint64_t digest = 0;  // of its whole content
  };

  // The set for `spec`: the one alive already, or a new one. Before a new
  // set is created, `check_room()` runs (with the set's own descriptors
  // not yet open): it throws when the set would not fit. Thread-safe; the
  // last holder to let go closes the files.
  static std::shared_ptr<const FileSet> acquire(
      const FileSetSpec& spec, const std::function<void()>& check_room);

  ~FileSet();
  FileSet(const FileSet&) = delete;
  FileSet& operator=(const FileSet&) = delete;

  const FileSetSpec& spec() const { return spec_; }
  const File& file(std::size_t i) const { return files_[i]; }
  std::size_t count() const { return files_.size(); }

 private:
  explicit FileSet(const FileSetSpec& spec);
  void create();
  void close_all() noexcept;

  FileSetSpec spec_;
  std::vector<File> files_;
};

}  // namespace apb::io
