// io.file through the runner: every strategy reads the same bytes (same
// checksum, no errors), the temporary directory is gone afterwards, and
// bad parameter values are usage errors.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

// A TMPDIR of this test's own, so test processes running in parallel
// (ctest -j) cannot see each other's directories.
class PrivateTmpdir {
 public:
  PrivateTmpdir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "apbench-test-XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
    const char* old = std::getenv("TMPDIR");
    if (old) old_ = old;
    setenv("TMPDIR", path_.c_str(), 1);
  }
  ~PrivateTmpdir() {
    if (old_)
      setenv("TMPDIR", old_->c_str(), 1);
    else
      unsetenv("TMPDIR");
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateTmpdir(const PrivateTmpdir&) = delete;
  PrivateTmpdir& operator=(const PrivateTmpdir&) = delete;

 private:
  std::string path_;
  std::optional<std::string> old_;
};

// The workload names its directory apbench-io-file-<pid>-XXXXXX.
std::size_t workload_dirs() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::temp_directory_path())) {
    if (entry.path().filename().string().starts_with("apbench-io-file-")) ++n;
  }
  return n;
}

RunRequest file_request(const Strategy& strategy) {
  const auto& w = Registry::instance().workload("io.file");
  RunRequest r;
  r.workload = &w;
  r.strategy = &strategy;
  r.params = Params(w.info.params);
  r.params.set("files", "4");
  r.params.set("size", "4KiB");
  r.load.ops = 20;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

TEST(IoFile, EveryStrategyReadsTheSameBytesAndCleansUp) {
  const PrivateTmpdir tmpdir;
  const std::size_t dirs_before = workload_dirs();
  std::optional<std::uint64_t> checksum;
  for (const Strategy* strategy : testing::strategies_for("io.file")) {
    SCOPED_TRACE(std::string(strategy->name()));
    const RunResult result = run(file_request(*strategy));
    ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
    EXPECT_EQ(result.errors, 0u);
    EXPECT_EQ(result.latency_s.count, 20u);
    ASSERT_TRUE(result.checksum.has_value());
    if (!checksum) checksum = result.checksum;
    EXPECT_EQ(*result.checksum, *checksum);
    EXPECT_EQ(workload_dirs(), dirs_before);
  }
  ASSERT_TRUE(checksum.has_value());
  EXPECT_NE(*checksum, 0u);
}

// The process's descriptors of io.file's files (unlinked, so their links
// read ".../apbench-io-file-<pid>-XXXXXX/N.bin (deleted)").
std::size_t open_workload_files() {
  std::size_t n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code link_ec;
    const auto target = std::filesystem::read_symlink(it->path(), link_ec);
    if (!link_ec &&
        target.string().find("apbench-io-file-") != std::string::npos)
      ++n;
  }
  return n;
}

// The strategies of a group are set up together (their repetitions
// interleave): they share one set of files, so disk and descriptors are one
// strategy's, and a limit that fits one set is enough for the group.
TEST(IoFile, StrategiesOfAGroupShareOneSetOfFiles) {
  const PrivateTmpdir tmpdir;
  constexpr std::size_t kFiles = 100;
  std::vector<RunRequest> group;
  for (const char* name : {"sequential", "async", "threads"}) {
    RunRequest r = file_request(Registry::instance().strategy(name));
    r.params.set("files", std::to_string(kFiles));
    r.repetitions = 2;
    group.push_back(r);
  }
  // An open-file limit with room for one set of files (and the 64 spare
  // the check asks for), not for three.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(
      testing::directory_entries("/proc/self/fd") + kFiles + 64 + 40);
  ASSERT_LE(tight.rlim_cur, saved.rlim_cur);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::size_t most_open = 0;
  std::vector<RunResult> results;
  try {
    results = run_group(
        group, [&](const RunRequest&, std::size_t, unsigned, unsigned) {
          most_open = std::max(most_open, open_workload_files());
        });
  } catch (...) {
    setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  setrlimit(RLIMIT_NOFILE, &saved);

  EXPECT_EQ(most_open, kFiles);          // one set while all three were set up
  EXPECT_EQ(open_workload_files(), 0u);  // closed after the last one
  EXPECT_EQ(workload_dirs(), 0u);
  ASSERT_EQ(results.size(), 3u);
  for (const RunResult& r : results) {
    SCOPED_TRACE(r.strategy);
    EXPECT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_EQ(r.checksum, results.front().checksum);
  }
}

// The async form's note for `engine` (empty when none).
std::string engine_note(const RunResult& result) {
  for (const auto& [name, value] : result.notes)
    if (name == "async file engine") return value;
  return "";
}

// io_uring and the pool read the same bytes, and the notes say which ran.
TEST(IoFile, UringAndPoolEnginesReadTheSameBytes) {
  const PrivateTmpdir tmpdir;
  RunRequest uring = file_request(Registry::instance().strategy("async"));
  uring.params.set("engine", "uring");
  RunRequest pool = uring;
  pool.params.set("engine", "pool");
  const RunResult by_uring = run(uring), by_pool = run(pool);
  ASSERT_EQ(by_uring.status, RunStatus::ok) << by_uring.reason;
  ASSERT_EQ(by_pool.status, RunStatus::ok) << by_pool.reason;
  EXPECT_EQ(by_uring.errors + by_pool.errors, 0u);
  ASSERT_TRUE(by_uring.checksum.has_value());
  EXPECT_EQ(by_uring.checksum, by_pool.checksum);
  EXPECT_NE(engine_note(by_pool).find("pool: pread on a dedicated pool of 4 "
                                      "threads (engine=pool)"),
            std::string::npos)
      << engine_note(by_pool);
  // This machine allows io_uring (a CI machine that forbids it shows the
  // fallback's note here instead, naming why).
  EXPECT_TRUE(engine_note(by_uring).starts_with("uring: ") ||
              engine_note(by_uring).find("io_uring is unavailable here") !=
                  std::string::npos)
      << engine_note(by_uring);
}

// Where io_uring is unavailable, engine=uring falls back to the pool and
// the note names why.
TEST(IoFile, WithoutIoUringTheAsyncFormFallsBackToThePool) {
  const PrivateTmpdir tmpdir;
  ::setenv("APBENCH_NO_IO_URING", "1", 1);
  RunRequest r = file_request(Registry::instance().strategy("async"));
  r.params.set("engine", "uring");
  const RunResult result = run(r);
  ::unsetenv("APBENCH_NO_IO_URING");
  ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
  EXPECT_EQ(result.errors, 0u);
  EXPECT_EQ(engine_note(result),
            "pool: pread on a dedicated pool of 4 threads, because io_uring "
            "is unavailable here (disabled by APBENCH_NO_IO_URING)");
}

TEST(IoFile, ZeroSizeOrZeroFilesIsAUsageError) {
  const PrivateTmpdir tmpdir;
  const std::size_t dirs_before = workload_dirs();
  const Strategy& sequential = Registry::instance().strategy("sequential");

  RunRequest zero_size = file_request(sequential);
  zero_size.params.set("size", "0");
  try {
    run(zero_size);
    ADD_FAILURE() << "size=0 was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'size'"), std::string::npos)
        << e.what();
  }

  RunRequest zero_files = file_request(sequential);
  zero_files.params.set("files", "0");
  try {
    run(zero_files);
    ADD_FAILURE() << "files=0 was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'files'"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(workload_dirs(), dirs_before);
}

}  // namespace
}  // namespace apb
