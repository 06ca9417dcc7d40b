// io.file through the runner: every strategy reads the same bytes (same
// checksum, no errors), the temporary directory is gone afterwards, and
// bad parameter values are usage errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

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

// The workload names its directory apbench-io-file-XXXXXX.
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

TEST(IoFile, NotesNameTheAsyncFilePath) {
  const RunResult result =
      run(file_request(Registry::instance().strategy("async")));
  ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
  bool found = false;
  for (const auto& [name, value] : result.notes)
    if (name == "async file path") {
      found = true;
      EXPECT_NE(value.find("dedicated pool of 4 threads"), std::string::npos)
          << value;
    }
  EXPECT_TRUE(found);
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
