// io.file: read `size` bytes from one of `files` files the workload creates
// in a temporary directory in setup, unlinking each as soon as it is open
// (the descriptors keep the data until teardown closes them). Op i
// reads file i % files from offset 0 with pread and checks its content.
//
// Async form: this build has no io_uring (Asio's file support needs
// liburing), so the async op hands the pread to a dedicated blocking pool
// (an asio::thread_pool of `pool_threads` threads owned by the workload)
// and resumes on the awaiting coroutine's own executor; the event loop
// thread stays free meanwhile. Blocking form: the same pread on the
// calling thread. The notes name the async path so results say which one
// was measured.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"

namespace {

namespace asio = apb::asio;
namespace fs = std::filesystem;

constexpr std::int64_t kMaxFiles = 100'000;
constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 30;  // 1 GiB
constexpr std::int64_t kMaxPoolThreads = 256;
// The directory's name starts with this; the rest is mkdtemp's.
constexpr const char* kDirPrefix = "apbench-io-file-";

std::string errno_text(int err) { return std::generic_category().message(err); }

// Content and digest. Word j of file f is mix64(seed_f + j), stored little
// endian; the last word is cut to the file's size. The digest is a
// polynomial hash of the words (order matters), finalised with mix64, so
// the run's checksum depends only on --seed, `files`, `size` and the ops.
constexpr std::uint64_t kDigestMul = 0x9e3779b97f4a7c15ULL;

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

std::uint64_t digest_of(const unsigned char* data, std::size_t size) {
  Digest d(size);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) d.add(load_le(data + i, 8));
  if (i < size) d.add(load_le(data + i, size - i));
  return d.value();
}

// Runs fn() on `pool` and delivers its result (or the exception it threw)
// on the executor of the awaiting coroutine, which keeps outstanding work
// meanwhile so its io_context's run() does not return.
template <typename Fn>
asio::awaitable<std::uint64_t> run_on_pool(asio::thread_pool& pool, Fn fn) {
  auto initiate = [&pool](auto handler, Fn work_fn) {
    auto work = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler),
                      work_fn = std::move(work_fn),
                      work = std::move(work)]() mutable {
      std::exception_ptr error;
      std::uint64_t result = 0;
      try {
        result = work_fn();
      } catch (...) {
        error = std::current_exception();
      }
      asio::post(work, [handler = std::move(handler), error, result]() mutable {
        std::move(handler)(error, result);
      });
    });
  };
  co_return co_await asio::async_initiate<
      decltype(asio::use_awaitable), void(std::exception_ptr, std::uint64_t)>(
      initiate, asio::use_awaitable, std::move(fn));
}

// A lane's read buffer, reused by its ops so an op measures the read, not
// the allocation (and page faults) of a fresh buffer.
struct ReadBuffer {
  std::vector<unsigned char> bytes;
};

class FileWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "io.file",
        .kind = apb::WorkloadKind::io,
        .description =
            "reads `size` bytes of one of `files` temporary files (pread; "
            "async hands it to a dedicated pool of `pool_threads`)",
        .params = {{"files",
                    apb::ParamType::integer,
                    "16",
                    "number of files; op i reads file i % files",
                    {}},
                   {"size",
                    apb::ParamType::bytes,
                    "64KiB",
                    "bytes per file, all read by each op",
                    {}},
                   {"pool_threads",
                    apb::ParamType::integer,
                    "4",
                    "threads of the async form's blocking read pool",
                    {}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 64,
    };
  }

  FileWorkload() = default;
  FileWorkload(const FileWorkload&) = delete;
  FileWorkload& operator=(const FileWorkload&) = delete;
  ~FileWorkload() override { clean_up(); }

  void setup(const apb::RunSetup& run) override {
    const auto files = run.params.integer("files");
    const auto size = run.params.bytes("size");
    const auto threads = run.params.integer("pool_threads");
    if (files < 1 || files > kMaxFiles)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'files': expected 1..{}",
                      files, kMaxFiles));
    if (size < 1 || size > kMaxSize)
      throw apb::UsageError(fmt::format(
          "bad value '{}B' for parameter 'size': expected 1B..1GiB", size));
    if (threads < 1 || threads > kMaxPoolThreads)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'pool_threads': expected 1..{}",
          threads, kMaxPoolThreads));
    // Every file stays open for the run (see below): they must fit under
    // the open-file limit, beside what is open already (the other
    // strategies of a group hold their files at the same time) and room
    // for the rest of the process.
    const auto open_now = static_cast<rlim_t>(open_descriptors());
    if (rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
        limit.rlim_cur != RLIM_INFINITY &&
        static_cast<rlim_t>(files) + open_now + 64 > limit.rlim_cur)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'files': each file stays open, {} "
          "descriptors are open already and the open-file limit (ulimit -n) "
          "is {}; expected 1..{}",
          files, open_now, limit.rlim_cur,
          limit.rlim_cur > open_now + 64 ? limit.rlim_cur - open_now - 64 : 0));
    // The files must fit in the temporary folder's free space (files of
    // other runs set up already have taken theirs), with 64 MiB to spare.
    const fs::path temp = fs::temp_directory_path();
    if (struct statvfs fsinfo{}; ::statvfs(temp.c_str(), &fsinfo) == 0) {
      const double free_bytes = static_cast<double>(fsinfo.f_bavail) *
                                static_cast<double>(fsinfo.f_frsize);
      const double need =
          static_cast<double>(files) * static_cast<double>(size) +
          64.0 * 1024 * 1024;
      if (need > free_bytes)
        throw apb::UsageError(fmt::format(
            "io.file needs {} in {} ({} files of {}, plus 64 MiB to spare) "
            "but {} is free: lower 'files' or 'size', or set TMPDIR",
            apb::format_bytes(need), temp.string(), files,
            apb::format_bytes(static_cast<double>(size)),
            apb::format_bytes(free_bytes)));
    }
    size_ = static_cast<std::size_t>(size);
    pool_threads_ = static_cast<std::size_t>(threads);

    clean_up();
    try {
      create_files(static_cast<std::size_t>(files), run.seed);
      pool_.emplace(pool_threads_);
    } catch (...) {
      clean_up();  // the runner does not call teardown after a failed setup
      throw;
    }
  }

  void teardown() override { clean_up(); }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    const File& file = file_for(op.index());
    auto& buffer = op.lane().state<ReadBuffer>().bytes;
    op.add_digest(co_await run_on_pool(*pool_, [this, &file, &buffer] {
      return read_and_check(file, buffer);
    }));
  }

  void blocking_op(apb::OpContext& op) override {
    op.add_digest(read_and_check(file_for(op.index()),
                                 op.lane().state<ReadBuffer>().bytes));
  }

  // No honest lower bound from first principles: a read served from the
  // page cache costs a memory copy plus a system call, whose speed this
  // workload does not know (and reads from a device would be slower
  // still); any figure here would be a guess, not a limit.
  std::optional<double> ideal_seconds(const apb::RunSetup&) const override {
    return std::nullopt;
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"async file path",
         fmt::format("reads on a dedicated pool of {} thread{} (no io_uring "
                     "in this build)",
                     pool_threads_, pool_threads_ == 1 ? "" : "s")},
        {"page cache",
         "files are written in setup, so reads are served from memory"},
    };
  }

 private:
  struct File {
    int fd = -1;
    std::size_t index = 0;
    std::uint64_t digest = 0;
  };

  const File& file_for(std::size_t op_index) const {
    return files_[op_index % files_.size()];
  }

  // Creates the directory and the files. The files stay open until
  // teardown: opening one per op would measure open()/close() (path
  // lookup, the fd table) rather than the read. pread takes its own
  // offset, so all threads can share one descriptor per file.
  void create_files(std::size_t count, std::uint64_t seed) {
    std::string pattern =
        (fs::temp_directory_path() / (std::string(kDirPrefix) + "XXXXXX"))
            .string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error(fmt::format("cannot create a directory {}: {}",
                                           pattern, errno_text(errno)));
    dir_ = pattern;
    files_.reserve(count);
    std::vector<unsigned char> chunk(std::min<std::size_t>(size_, 1 << 16));
    for (std::size_t f = 0; f < count; ++f) {
      const fs::path path = dir_ / fmt::format("{}.bin", f);
      File file;
      file.index = f;
      file.fd =
          ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (file.fd < 0)
        throw std::runtime_error(fmt::format("cannot create {}: {}",
                                             path.string(), errno_text(errno)));
      files_.push_back(file);  // closed by clean_up() from here on
      // Nameless from now on: the descriptor keeps the data, and nothing
      // is left behind however the process ends (SIGKILL included).
      ::unlink(path.c_str());

      const std::uint64_t file_seed = apb::op_seed(seed, f);
      Digest digest(size_);
      std::uint64_t word = 0;
      std::size_t written = 0;
      while (written < size_) {
        const std::size_t n = std::min(chunk.size(), size_ - written);
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
    remove_directory();
  }

  static std::size_t open_descriptors() {
    std::error_code ec;
    std::size_t n = 0;
    for (fs::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec))
      ++n;
    return n;
  }

  void remove_directory() noexcept {
    if (dir_.empty()) return;
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    dir_.clear();
  }

  static void write_all(int fd, const unsigned char* data, std::size_t n,
                        const fs::path& path) {
    while (n > 0) {
      const ssize_t w = ::write(fd, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("cannot write {}: {}",
                                             path.string(), errno_text(errno)));
      }
      data += w;
      n -= static_cast<std::size_t>(w);
    }
  }

  // The op: reads the whole file from offset 0 into the lane's buffer and
  // checks it against the digest computed when it was written.
  std::uint64_t read_and_check(const File& file,
                               std::vector<unsigned char>& buffer) const {
    if (buffer.size() != size_) buffer.resize(size_);
    std::size_t got = 0;
    while (got < size_) {
      const ssize_t n = ::pread(file.fd, buffer.data() + got, size_ - got,
                                static_cast<off_t>(got));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw apb::OpError(apb::cause::io,
                           fmt::format("pread of file {} failed: {}",
                                       file.index, errno_text(errno)));
      }
      if (n == 0)
        throw apb::OpError(apb::cause::short_read,
                           fmt::format("file {} ended after {} of {} bytes",
                                       file.index, got, size_));
      got += static_cast<std::size_t>(n);
    }
    const std::uint64_t digest = digest_of(buffer.data(), size_);
    if (digest != file.digest)
      throw apb::OpError(apb::cause::mismatch,
                         fmt::format("file {}: content differs from what "
                                     "was written",
                                     file.index));
    return digest;
  }

  // Idempotent: after a full run, a half-done setup, or nothing at all.
  void clean_up() noexcept {
    if (pool_) {
      pool_->join();  // every op has completed by now; let stragglers end
      pool_.reset();
    }
    for (const File& file : files_)
      if (file.fd >= 0) ::close(file.fd);
    files_.clear();
    remove_directory();  // after a setup that failed half-way
  }

  std::size_t size_ = 0;
  std::size_t pool_threads_ = 0;
  fs::path dir_;
  std::vector<File> files_;
  std::optional<asio::thread_pool> pool_;
};

}  // namespace

APB_REGISTER_WORKLOAD(FileWorkload);
