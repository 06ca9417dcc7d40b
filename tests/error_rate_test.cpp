// Runs whose ops partly fail, measured for real: io.tcp_echo against a
// loopback echo server that serves only two connections at once and closes
// any further one as soon as it accepts it. `sequential` (one connection)
// completes every op; `async` on four connections fails the ops of two of
// them at once, so it finishes early. The error rate is in the results,
// beside the throughput in the tables, and the advice does not pick the run
// that failed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apbench/analysis.hpp"
#include "apbench/registry.hpp"
#include "apbench/report.hpp"
#include "apbench/runner.hpp"
#include "threaded_server.hpp"

namespace apb {
namespace {

constexpr std::size_t kPayload = 64;

class TwoConnectionEchoServer {
 public:
  unsigned short port() const { return server_.port(); }

 private:
  static constexpr int kServed = 2;
  static constexpr auto kDelay = std::chrono::milliseconds(5);

  bool admit(int fd) {
    if (live_ >= kServed) {
      const linger hard{1, 0};  // refuse it at once, with a reset
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      ::close(fd);
      return false;
    }
    ++live_;
    return true;
  }
  // Echoes each kPayload-byte message after kDelay until the client closes.
  void session(int fd) {
    char buffer[kPayload];
    std::size_t got = 0;
    while (!server_.stopping()) {
      if (!test::readable(fd, 20)) continue;
      const ssize_t n = ::recv(fd, buffer + got, kPayload - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
      if (got < kPayload) continue;
      got = 0;
      std::this_thread::sleep_for(kDelay);
      if (::send(fd, buffer, kPayload, MSG_NOSIGNAL) !=
          static_cast<ssize_t>(kPayload))
        break;
    }
    ::close(fd);
    --live_;
  }

  std::atomic<int> live_{0};
  test::ThreadedServer server_{"echo server", [this](int fd) { session(fd); },
                               [this](int fd) { return admit(fd); }};
};

RunResult measure(std::string_view strategy, unsigned short port) {
  const auto& w = Registry::instance().workload("io.tcp_echo");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.params.set("target", "127.0.0.1:" + std::to_string(port));
  r.params.set("payload", std::to_string(kPayload) + "B");
  r.params.set("connections", "4");
  r.params.set("op_timeout", "5s");
  r.load.ops = 40;
  r.repetitions = 2;
  r.warmup = 0;
  return run(r);
}

TEST(ErrorRate, RealRunsWithFailedOpsAreWeighedByTheirErrors) {
  Results results;
  {
    TwoConnectionEchoServer server;
    // sequential first: async's refused connections are gone by then.
    results.runs.push_back(measure("sequential", server.port()));
    results.runs.push_back(measure("async", server.port()));
  }
  analyse(results);
  const RunResult& seq = results.runs[0];
  const RunResult& async = results.runs[1];
  ASSERT_EQ(seq.status, RunStatus::ok) << seq.reason;
  ASSERT_EQ(async.status, RunStatus::ok) << async.reason;
  EXPECT_EQ(seq.errors, 0u);
  EXPECT_TRUE(seq.checksum.has_value());
  // A failed op adds no digest: no checksum to compare, and no mismatch.
  EXPECT_FALSE(async.checksum.has_value());
  EXPECT_FALSE(async.checksum_mismatch);
  // Two of its four connections are refused: ops on them fail until the
  // good ones are done (a run of 40 ops cannot fail fewer than a few).
  EXPECT_GT(error_rate(async), 0.05);
  EXPECT_LT(error_rate(async), 1.0);
  EXPECT_EQ(error_rate(async),
            static_cast<double>(async.errors) /
                static_cast<double>(async.errors + ops_succeeded(async)));

  // The run that failed ops is not advised over the one that completed all.
  ASSERT_EQ(results.advice.size(), 1u);
  const Advice& advice = results.advice[0];
  EXPECT_EQ(advice.best, "sequential") << advice.text;
  if (!advice.passed_over.empty()) {
    EXPECT_NE(advice.text.find("% of its ops failed"), std::string::npos)
        << advice.text;
  }

  // The console shows the share of failed ops right after the throughput.
  std::ostringstream console;
  write_console(console, results, ConsoleOptions{});
  std::istringstream lines(console.str());
  std::string line, header, async_row;
  while (std::getline(lines, line)) {
    if (line.rfind("  strategy", 0) == 0) header = line;
    if (line.find(" async ") != std::string::npos &&
        line.find("ops/s") != std::string::npos)
      async_row = line;
    EXPECT_LE(line.size(), 100u) << line;
  }
  const std::size_t throughput = header.find("throughput");
  ASSERT_NE(throughput, std::string::npos) << console.str();
  EXPECT_EQ(header.find_first_not_of(' ', throughput + 10),
            header.find("errors"))
      << console.str();
  EXPECT_NE(async_row.find(" %)"), std::string::npos) << console.str();
  // Not the fastest, whatever its goodput: it failed more than 1 %.
  EXPECT_EQ(console.str().find("* async"), std::string::npos) << console.str();
  EXPECT_NE(console.str().find("* sequential"), std::string::npos)
      << console.str();

  std::ostringstream json;
  write_json(json, results);
  EXPECT_NE(json.str().find("\"error_rate\": 0.0,"), std::string::npos);
}

}  // namespace
}  // namespace apb
