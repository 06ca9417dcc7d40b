// io.tcp_echo against its in-process server and against nothing: bytes
// verified, errors counted by cause, timeouts, and no leftovers.
#include <gtest/gtest.h>

#include <chrono>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

RunRequest echo_request(std::string_view strategy, std::size_t ops,
                        std::vector<std::pair<std::string, std::string>> set) {
  const auto& w = Registry::instance().workload("io.tcp_echo");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  for (const auto& [name, value] : set) r.params.set(name, value);
  r.load.ops = ops;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

TEST(TcpEcho, EveryStrategyEchoesVerifiedBytesForSeveralPayloads) {
  for (const char* payload : {"1B", "1KiB", "64KiB"}) {
    for (const Strategy* s : testing::strategies_for("io.tcp_echo")) {
      SCOPED_TRACE(std::string(s->name()) + " payload " + payload);
      const RunResult r = run(echo_request(
          s->name(), 40, {{"payload", payload}, {"connections", "4"}}));
      ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
      EXPECT_EQ(r.errors, 0u)
          << (r.error_messages.empty() ? "" : r.error_messages.begin()->first);
      EXPECT_EQ(r.latency_s.count, 40u);
      EXPECT_LE(r.concurrency, 4u);  // one op in flight per connection
      ASSERT_TRUE(r.checksum.has_value());
    }
  }
}

TEST(TcpEcho, ServerStartAndStopLeaveNoThreadOrSocketBehind) {
  // Strategies without oneTBB, whose worker threads outlive a run. One run
  // first: runtimes (a sanitizer's background thread) start lazily.
  ASSERT_EQ(run(echo_request("async", 5, {})).status, RunStatus::ok);
  const std::size_t fds = testing::directory_entries("/proc/self/fd");
  const std::size_t threads = testing::directory_entries("/proc/self/task");
  for (int round = 0; round < 2; ++round)
    for (const char* s : {"sequential", "async", "threads"})
      ASSERT_EQ(run(echo_request(s, 20, {{"connections", "3"}})).status,
                RunStatus::ok);
  EXPECT_EQ(testing::directory_entries("/proc/self/fd"), fds);
  EXPECT_EQ(testing::directory_entries("/proc/self/task"), threads);
}

TEST(TcpEcho, NothingListeningCountsEveryOpAsAConnectError) {
  for (const char* s : {"sequential", "async", "threads", "parallel"}) {
    SCOPED_TRACE(s);
    const auto start = std::chrono::steady_clock::now();
    // Port 1 on loopback: nothing listens there, connect is refused.
    const RunResult r = run(echo_request(s, 50, {{"target", "127.0.0.1:1"}}));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Not one op succeeded: the run failed, its errors counted.
    ASSERT_EQ(r.status, RunStatus::failed);
    EXPECT_EQ(r.reason.rfind("every op failed", 0), 0u) << r.reason;
    EXPECT_EQ(r.errors, 50u);
    ASSERT_EQ(r.errors_by_cause.size(), 1u);
    EXPECT_EQ(r.errors_by_cause.begin()->first, "connect");
    EXPECT_LT(seconds, 5.0);
  }
}

TEST(TcpEcho, AServerSlowerThanTheOpTimeoutGivesTimeouts) {
  for (const char* s : {"async", "sequential"}) {
    SCOPED_TRACE(s);
    const RunResult r = run(echo_request(s, 3,
                                         {{"server_delay", "2s"},
                                          {"op_timeout", "100ms"},
                                          {"connections", "3"}}));
    // Not one op succeeded: the run failed, its errors counted.
    ASSERT_EQ(r.status, RunStatus::failed);
    EXPECT_EQ(r.reason.rfind("every op failed", 0), 0u) << r.reason;
    EXPECT_EQ(r.errors, 3u);
    EXPECT_EQ(r.errors_by_cause.count("timeout"), 1u);
  }
}

TEST(TcpEcho, BadTargetsAreUsageErrors) {
  for (const char* target : {"nonsense", "127.0.0.1", "127.0.0.1:0",
                             "example.org:80", "127.0.0.1:http"})
    EXPECT_THROW(run(echo_request("async", 1, {{"target", target}})),
                 UsageError)
        << target;
}

}  // namespace
}  // namespace apb
