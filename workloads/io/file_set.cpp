#include "file_set.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

#include "apbench/seed.hpp"

namespace apb::io {
namespace {

namespace fs = std::filesystem;

// The directory's name starts with this, then the pid and mkdtemp's six
// characters (a killed apbench's, the next apbench removes).
constexpr const char* kDirPrefix = "apbench-io-file-";
constexpr std::uint64_t kDigestMul = 0x9e3779b97f4a7c15ULL;

std::string file_errno_text(int err) {
  return std::generic_category().message(err);
}

std::uint64_t word_of(std::uint64_t file_seed, std::uint64_t j) {
  return apb::mix64(file_seed + j);
}

std::uint64_t load_le(const unsigned char* p, std::size_t n) {
  std::uint64_t w = 0;
  if (n == 8 && std::endian::native == std::endian::little) {
    std::memcpy(&w, p, 8);
    return w;
  }
  for (std::size_t k = 0; k < n; ++k) w |= std::uint64_t{p[k]} << (8 * k);
  return w;
}

void store_le(std::uint64_t w, unsigned char* p, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    p[k] = static_cast<unsigned char>(w >> (8 * k));
}

class Digest {
 public:
  explicit Digest(std::uint64_t size) : h_(size) {}
  void add(std::uint64_t word) { h_ = (h_ + word) * kDigestMul; }
  std::uint64_t value() const { return apb::mix64(h_); }

 private:
  std::uint64_t h_;
};

void write_all(int fd, const unsigned char* data, std::size_t n,
               const fs::path& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(),
                                           file_errno_text(errno)));
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

// The sets alive, by what they hold: a set goes when its last holder lets
// go, and its entry then expires.
std::mutex sets_mutex;
std::map<FileSetSpec, std::weak_ptr<const FileSet>>& sets() {
  static std::map<FileSetSpec, std::weak_ptr<const FileSet>> alive;
  return alive;
}

}  // namespace

std::uint64_t file_digest(const unsigned char* data, std::size_t size) {
  Digest d(size);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) d.add(load_le(data + i, 8));
  if (i < size) d.add(load_le(data + i, size - i));
  return d.value();
}

std::shared_ptr<const FileSet> FileSet::acquire(
    const FileSetSpec& spec, const std::function<void()>& check_room) {
  const std::lock_guard lock(sets_mutex);
  auto& alive = sets();
  std::erase_if(alive,
                [](const auto& entry) { return entry.second.expired(); });
  if (const auto it = alive.find(spec); it != alive.end())
    if (auto set = it->second.lock()) return set;
  check_room();
  std::shared_ptr<const FileSet> set(new FileSet(spec));
  alive[spec] = set;
  return set;
}

FileSet::FileSet(const FileSetSpec& spec) : spec_(spec) { create(); }

FileSet::~FileSet() { close_all(); }

void FileSet::close_all() noexcept {
  for (const File& file : files_)
    if (file.fd >= 0) ::close(file.fd);
  files_.clear();
}

// The files stay open while the set lives: opening one per op would measure
// open()/close() (path lookup, the fd table) rather than the read. pread
// takes its own offset, so all threads can share one descriptor per file.
void FileSet::create() {
  // With the pid: what a killed apbench leaves, the next one removes.
  std::string pattern =
      (spec_.directory / fmt::format("{}{}-XXXXXX", kDirPrefix, ::getpid()))
          .string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(fmt::format("cannot create a directory {}: {}",
                                         pattern, file_errno_text(errno)));
  const fs::path dir = pattern;
  try {
    files_.reserve(spec_.count);
    const std::size_t size = spec_.size;
    std::vector<unsigned char> chunk(std::min<std::size_t>(size, 1 << 16));
    for (std::size_t f = 0; f < spec_.count; ++f) {
      const fs::path path = dir / fmt::format("{}.bin", f);
      File file;
      file.index = f;
      file.fd =
          ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (file.fd < 0)
        throw std::runtime_error(fmt::format(
            "cannot create {}: {}", path.string(), file_errno_text(errno)));
      files_.push_back(file);  // closed by close_all() from here on
      // Nameless from now on: the descriptor keeps the data.
      ::unlink(path.c_str());

      const std::uint64_t file_seed = apb::op_seed(spec_.seed, f);
      Digest digest(size);
      std::uint64_t word = 0;
      std::size_t written = 0;
      while (written < size) {
        const std::size_t n = std::min(chunk.size(), size - written);
        // chunk.size() is a multiple of 8 or the whole file, so words never
        // straddle chunks.
        for (std::size_t i = 0; i < n; i += 8, ++word) {
          const std::size_t bytes = std::min<std::size_t>(8, n - i);
          std::uint64_t w = word_of(file_seed, word);
          if (bytes < 8) w &= (std::uint64_t{1} << (8 * bytes)) - 1;
          store_le(w, chunk.data() + i, bytes);
          digest.add(w);
        }
        write_all(file.fd, chunk.data(), n, path);
        written += n;
      }
      files_.back().digest = digest.value();
    }
  } catch (...) {
    close_all();  // no destructor runs for a set that failed to construct
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    throw;
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace apb::io
