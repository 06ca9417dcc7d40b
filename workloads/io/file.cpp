// io.file: read `size` bytes from one of `files` files the workload creates
// in a temporary directory in setup, unlinking each as soon as it is open
// (the descriptors keep the data until teardown closes them). The strategies
// of a run group share one set of files (file_set.hpp): they are set up
// together and read the same bytes, so disk and descriptors are those of one
// strategy's files. Op i reads file i % files from offset 0 and checks its
// content.
//
// Async form, `engine`: `uring` reads through Asio's io_uring file support
// (asio::random_access_file, async_read_at), the kernel doing the read while
// the event loop thread goes on; `pool` hands a blocking pread to a
// dedicated pool (an asio::thread_pool of `pool_threads` threads owned by
// the workload) and resumes on the awaiting coroutine's own executor.
// `auto` is uring where the kernel allows it: io_uring can be disabled (a
// sysctl, a seccomp filter), so it is probed once per process, and the
// notes say which engine ran and why. Blocking form: pread on the calling
// thread.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/random_access_file.hpp>
#include <boost/asio/read_at.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"
#include "file_set.hpp"

namespace {

namespace asio = apb::asio;
namespace fs = std::filesystem;

constexpr std::int64_t kMaxFiles = 100'000;
constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 30;  // 1 GiB
constexpr std::int64_t kMaxPoolThreads = 256;

std::string errno_text(int err) { return std::generic_category().message(err); }

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

// Whether io_uring works here: one read through Asio's file support on a
// private io_context (the ring is made when the first file object is).
// Returns the reason it does not, or nothing.
std::optional<std::string> probe_io_uring(int fd) {
  try {
    asio::io_context probe;
    const int copy = ::dup(fd);
    if (copy < 0) return "dup: " + errno_text(errno);
    asio::random_access_file file(probe, copy);
    unsigned char byte = 0;
    boost::system::error_code error;
    file.async_read_some_at(
        0, asio::buffer(&byte, 1),
        [&](boost::system::error_code ec, std::size_t) { error = ec; });
    probe.run();
    if (error) return "a test read failed: " + error.message();
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());  // e.g. "io_uring_queue_init: ..."
  }
}

// Probed once per process (the answer does not change while it runs);
// APBENCH_NO_IO_URING=1 says no, so the fallback can be tested.
std::optional<std::string> io_uring_unavailable(int fd) {
  if (const char* env = std::getenv("APBENCH_NO_IO_URING");
      env && *env && std::string_view(env) != "0")
    return std::string("disabled by APBENCH_NO_IO_URING");
  static const std::optional<std::string> reason = probe_io_uring(fd);
  return reason;
}

// A file object over a descriptor the file set owns: released, not
// closed, when the op is done with it.
class BorrowedFile {
 public:
  BorrowedFile(const asio::any_io_executor& executor, int fd)
      : file_(executor, fd) {}
  ~BorrowedFile() {
    boost::system::error_code ignored;
    file_.release(ignored);
  }
  asio::random_access_file& get() { return file_; }

 private:
  asio::random_access_file file_;
};

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
            "async through io_uring or a pool of `pool_threads`)",
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
                   {"engine",
                    apb::ParamType::choice,
                    "auto",
                    "the async form's reads: uring (Asio's io_uring files), "
                    "pool (pread on a pool of pool_threads), auto (uring "
                    "where the kernel allows it)",
                    {"auto", "uring", "pool"}},
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
    size_ = static_cast<std::size_t>(size);
    pool_threads_ = static_cast<std::size_t>(threads);
    engine_asked_ = run.params.text("engine");

    clean_up();
    const apb::io::FileSetSpec spec{fs::temp_directory_path(),
                                    static_cast<std::size_t>(files), size_,
                                    run.seed};
    try {
      // The checks run only when the set is new: a set the group's other
      // strategies hold already costs nothing more.
      files_ = apb::io::FileSet::acquire(spec, [&] { check_room(spec); });
      uring_unavailable_.reset();
      if (engine_asked_ != "pool")
        uring_unavailable_ = io_uring_unavailable(files_->file(0).fd);
      use_uring_ = engine_asked_ != "pool" && !uring_unavailable_;
      if (!use_uring_) pool_.emplace(pool_threads_);
    } catch (...) {
      clean_up();  // the runner does not call teardown after a failed setup
      throw;
    }
  }

  void teardown() override { clean_up(); }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    const File& file = file_for(op.index());
    auto& buffer = op.lane().state<ReadBuffer>().bytes;
    if (use_uring_) {
      if (buffer.size() != size_) buffer.resize(size_);
      BorrowedFile borrowed(co_await asio::this_coro::executor, file.fd);
      boost::system::error_code error;
      const std::size_t got = co_await asio::async_read_at(
          borrowed.get(), 0, asio::buffer(buffer.data(), size_),
          asio::redirect_error(asio::use_awaitable, error));
      op.add_digest(check_read(file, buffer, got, error));
      co_return;
    }
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
    const std::string pool_text =
        fmt::format("pool: pread on a dedicated pool of {} thread{}",
                    pool_threads_, pool_threads_ == 1 ? "" : "s");
    std::string engine;
    if (use_uring_)
      engine = "uring: Asio's io_uring file support (random_access_file)";
    else if (uring_unavailable_)
      engine = fmt::format("{}, because io_uring is unavailable here ({})",
                           pool_text, *uring_unavailable_);
    else
      engine = pool_text + " (engine=pool)";
    return {
        {"async file engine", engine},
        {"page cache",
         "files are written in setup (one set for the strategies of a "
         "group), so reads are served from memory"},
    };
  }

 private:
  using File = apb::io::FileSet::File;

  const File& file_for(std::size_t op_index) const {
    return files_->file(op_index % files_->count());
  }

  // Room for a new set of files: every file stays open while the set lives,
  // so they must fit under the open-file limit beside what is open already
  // and room for the rest of the process; and they must fit in the
  // temporary folder's free space with 64 MiB to spare. (Only one set is
  // alive at a time for a run group, so these are all its files.)
  static void check_room(const apb::io::FileSetSpec& spec) {
    const auto files = static_cast<rlim_t>(spec.count);
    const auto open_now = static_cast<rlim_t>(open_descriptors());
    if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
                        limit.rlim_cur != RLIM_INFINITY &&
                        files + open_now + 64 > limit.rlim_cur)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'files': each file stays open, {} "
          "descriptors are open already and the open-file limit (ulimit -n) "
          "is {}; expected 1..{}",
          spec.count, open_now, limit.rlim_cur,
          limit.rlim_cur > open_now + 64 ? limit.rlim_cur - open_now - 64 : 0));
    if (struct statvfs fsinfo{};
        ::statvfs(spec.directory.c_str(), &fsinfo) == 0) {
      const double free_bytes = static_cast<double>(fsinfo.f_bavail) *
                                static_cast<double>(fsinfo.f_frsize);
      const double need =
          static_cast<double>(spec.count) * static_cast<double>(spec.size) +
          64.0 * 1024 * 1024;
      if (need > free_bytes)
        throw apb::UsageError(fmt::format(
            "io.file needs {} in {} ({} files of {}, plus 64 MiB to spare) "
            "but {} is free: lower 'files' or 'size', or set TMPDIR",
            apb::format_bytes(need), spec.directory.string(), spec.count,
            apb::format_bytes(static_cast<double>(spec.size)),
            apb::format_bytes(free_bytes)));
    }
  }

  static std::size_t open_descriptors() {
    std::error_code ec;
    std::size_t n = 0;
    for (fs::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec))
      ++n;
    return n;
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
    return check_content(file, buffer);
  }

  // The io_uring read's outcome: an error by cause, or the content checked.
  std::uint64_t check_read(const File& file,
                           const std::vector<unsigned char>& buffer,
                           std::size_t got,
                           const boost::system::error_code& error) const {
    if (error == asio::error::eof || (!error && got < size_))
      throw apb::OpError(apb::cause::short_read,
                         fmt::format("file {} ended after {} of {} bytes",
                                     file.index, got, size_));
    if (error)
      throw apb::OpError(apb::cause::io,
                         fmt::format("io_uring read of file {} failed: {}",
                                     file.index, error.message()));
    return check_content(file, buffer);
  }

  std::uint64_t check_content(const File& file,
                              const std::vector<unsigned char>& buffer) const {
    const std::uint64_t digest = apb::io::file_digest(buffer.data(), size_);
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
    files_.reset();  // the last strategy to let go closes the files
  }

  std::size_t size_ = 0;
  std::size_t pool_threads_ = 0;
  std::string engine_asked_;
  bool use_uring_ = false;
  std::optional<std::string> uring_unavailable_;  // why, when probed
  std::shared_ptr<const apb::io::FileSet> files_;
  std::optional<asio::thread_pool> pool_;
};

}  // namespace

APB_REGISTER_WORKLOAD(FileWorkload);
