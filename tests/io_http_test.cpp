// io.http against its in-process Beast server, against a small server of
// the test's own (statuses, closed connections, the Host header) and
// against nothing: statuses and lengths checked, errors counted by cause,
// timeouts, bad targets, and no leftovers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/seed.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

RunRequest http_request(std::string_view strategy, std::size_t ops,
                        std::vector<std::pair<std::string, std::string>> set) {
  const auto& w = Registry::instance().workload("io.http");
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

std::string first_message(const RunResult& r) {
  return r.error_messages.empty() ? "" : r.error_messages.begin()->first;
}

// A small HTTP server of the test's own, on loopback (ephemeral port, one
// thread): `/good` answers 200 "hello", `/close` the same and closes the
// connection, `/drop` closes without an answer, `/partial` closes within
// the body, `/reset` resets the connection, anything else answers 503. A
// request whose Host header is not 127.0.0.1:PORT or localhost:PORT gets 400.
class TestServer {
 public:
  TestServer()
      : acceptor_(ioc_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestServer() {
    ioc_.stop();
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    try {
      for (;;) {
        http::request<http::string_body> request;
        co_await http::async_read(socket, buffer, request, asio::use_awaitable);
        const std::string host(request[http::field::host]);
        const auto p = std::to_string(port());
        const bool host_ok =
            host == "127.0.0.1:" + p || host == "localhost:" + p;
        const std::string target(request.target());
        const bool good = target == "/good" || target.starts_with("/good?");
        const bool close = target == "/close";
        if (target == "/drop") break;  // closes without an answer
        if (target == "/reset") {
          socket.set_option(asio::socket_base::linger(true, 0));
          socket.close();  // sends RST
          break;
        }
        if (target == "/partial") {  // 5 of 100 body bytes, then closes
          static const std::string partial =
              "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello";
          co_await asio::async_write(socket, asio::buffer(partial),
                                     asio::use_awaitable);
          break;
        }
        http::response<http::string_body> response{
            !host_ok        ? http::status::bad_request
            : good || close ? http::status::ok
                            : http::status::service_unavailable,
            11};
        response.body() = "hello";
        response.keep_alive(request.keep_alive() && !close);
        response.prepare_payload();
        co_await http::async_write(socket, response, asio::use_awaitable);
        if (!response.keep_alive()) break;
      }
    } catch (const std::exception&) {
    }
  }

  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(Http, EveryStrategyGetsStatus200BodiesOfSeveralSizes) {
  for (const auto& [body, size] :
       std::vector<std::pair<const char*, std::uint64_t>>{
           {"0B", 0}, {"1B", 1}, {"120B", 120}, {"64KiB", 65536}}) {
    std::set<std::uint64_t> checksums;
    for (const Strategy* s : testing::strategies_for("io.http")) {
      SCOPED_TRACE(std::string(s->name()) + " body " + body);
      const RunResult r = run(
          http_request(s->name(), 40, {{"body", body}, {"connections", "4"}}));
      ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
      EXPECT_EQ(r.errors, 0u) << first_message(r);
      EXPECT_EQ(r.latency_s.count, 40u);
      EXPECT_LE(r.concurrency, 4u);  // one request in flight per connection
      ASSERT_TRUE(r.checksum.has_value());
      EXPECT_EQ(*r.checksum, 40 * mix64(size));
      checksums.insert(*r.checksum);
    }
    EXPECT_EQ(checksums.size(), 1u) << body;
  }
}

TEST(Http, ServerStartAndStopLeaveNoThreadOrSocketBehind) {
  // Strategies without oneTBB, whose worker threads outlive a run. One run
  // first: runtimes (a sanitizer's background thread) start lazily.
  ASSERT_EQ(run(http_request("async", 5, {})).status, RunStatus::ok);
  const std::size_t fds = testing::directory_entries("/proc/self/fd");
  const std::size_t threads = testing::directory_entries("/proc/self/task");
  for (int round = 0; round < 2; ++round)
    for (const char* s : {"sequential", "async", "threads"})
      ASSERT_EQ(run(http_request(s, 20, {{"connections", "3"}})).status,
                RunStatus::ok);
  EXPECT_EQ(testing::directory_entries("/proc/self/fd"), fds);
  EXPECT_EQ(testing::directory_entries("/proc/self/task"), threads);
}

TEST(Http, NothingListeningCountsEveryOpAsAConnectError) {
  for (const char* s : {"sequential", "async", "threads", "parallel"}) {
    SCOPED_TRACE(s);
    const auto start = std::chrono::steady_clock::now();
    // Port 1 on loopback: nothing listens there, connect is refused.
    const RunResult r =
        run(http_request(s, 50, {{"target", "http://127.0.0.1:1/"}}));
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

TEST(Http, AServerSlowerThanTheOpTimeoutGivesTimeouts) {
  for (const char* s : {"async", "sequential"}) {
    SCOPED_TRACE(s);
    const RunResult r = run(http_request(s, 3,
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

TEST(Http, ServerDelayGivesAnIdealTime) {
  const RunResult r = run(http_request(
      "async", 8, {{"server_delay", "20ms"}, {"connections", "4"}}));
  ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
  EXPECT_EQ(r.errors, 0u) << first_message(r);
  ASSERT_TRUE(r.ideal_s.has_value());
  EXPECT_NEAR(*r.ideal_s, 0.040, 1e-9);  // ceil(8 / 4) x 20 ms
}

TEST(Http, AnExternalTargetIsCheckedForStatus) {
  TestServer server;
  const auto url = [&](const char* host, const char* path) {
    return "http://" + std::string(host) + ":" + std::to_string(server.port()) +
           path;
  };
  for (const char* s : {"sequential", "async", "threads", "parallel"}) {
    SCOPED_TRACE(s);
    const RunResult bad = run(http_request(
        s, 20, {{"target", url("127.0.0.1", "/bad")}, {"connections", "2"}}));
    // Not one op succeeded: the run failed, its errors counted.
    ASSERT_EQ(bad.status, RunStatus::failed);
    EXPECT_EQ(bad.reason.rfind("every op failed", 0), 0u) << bad.reason;
    EXPECT_EQ(bad.errors, 20u);
    ASSERT_EQ(bad.errors_by_cause.size(), 1u);
    EXPECT_EQ(bad.errors_by_cause.begin()->first, "status");
    EXPECT_EQ(first_message(bad), "HTTP 503 Service Unavailable");

    // 200 with a 5-byte body whatever `body` says; the Host header is
    // checked by the server; `/close` makes the client reconnect each op.
    for (const char* target : {"/good", "/good?x=1", "/close"}) {
      for (const char* host : {"127.0.0.1", "localhost"}) {
        SCOPED_TRACE(url(host, target));
        const RunResult good = run(http_request(s, 20,
                                                {{"target", url(host, target)},
                                                 {"connections", "2"},
                                                 {"body", "1KiB"}}));
        ASSERT_EQ(good.status, RunStatus::ok) << good.reason;
        EXPECT_EQ(good.errors, 0u) << first_message(good);
        ASSERT_TRUE(good.checksum.has_value());
        EXPECT_EQ(*good.checksum, 20 * mix64(5));
      }
    }
  }
}

TEST(Http, BrokenConnectionsAreCountedByCause) {
  TestServer server;
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  for (const char* s : {"sequential", "async", "threads"}) {
    for (const auto& [path, cause] :
         std::vector<std::pair<const char*, const char*>>{
             {"/drop", "short_read"},
             {"/partial", "short_read"},
             {"/reset", "reset"}}) {
      SCOPED_TRACE(std::string(s) + " " + path);
      const RunResult r = run(
          http_request(s, 10, {{"target", base + path}, {"connections", "2"}}));
      // Not one op succeeded: the run failed, its errors counted.
      ASSERT_EQ(r.status, RunStatus::failed);
      EXPECT_EQ(r.reason.rfind("every op failed", 0), 0u) << r.reason;
      EXPECT_EQ(r.errors, 10u);
      ASSERT_EQ(r.errors_by_cause.size(), 1u) << first_message(r);
      EXPECT_EQ(r.errors_by_cause.begin()->first, cause) << first_message(r);
    }
  }
}

TEST(Http, BadTargetsAreUsageErrors) {
  for (const char* target :
       {"https://127.0.0.1/", "ftp://x", "garbage", "http://",
        "http://127.0.0.1:99999/", "http://example.org/", "http://:80/",
        "http://127.0.0.1:/", "http://127.0.0.1:0/", "http://127.0.0.1:8x/",
        "http://127.0.0.1?q", "http://[::1/", "http://::1/",
        "http://127.0.0.1/a b"})
    EXPECT_THROW(run(http_request("async", 1, {{"target", target}})),
                 UsageError)
        << target;
}

TEST(Http, BadParametersAreUsageErrors) {
  EXPECT_THROW(run(http_request("async", 1, {{"body", "65MiB"}})), UsageError);
  EXPECT_THROW(run(http_request("async", 1, {{"connections", "0"}})),
               UsageError);
  EXPECT_THROW(run(http_request("async", 1, {{"op_timeout", "0"}})),
               UsageError);
  EXPECT_THROW(run(http_request("async", 1, {{"bind", "nowhere"}})),
               UsageError);
}

}  // namespace
}  // namespace apb
