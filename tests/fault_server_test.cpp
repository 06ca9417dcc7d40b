// io.tcp_echo and io.http against a server that misbehaves (silent,
// trickling a byte at a time, closing before or after reading the request,
// resetting, sending garbage, sending a response head and closing before the
// body), in every strategy that can run them: each op fails with the right
// cause; op_timeout bounds the whole op in the blocking forms as in the async
// one, and an op the server cut short ends at once, not at its op_timeout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "test_workloads.hpp"
#include "threaded_server.hpp"

namespace apb {
namespace {

enum class Fault {
  silent,             // reads, never answers
  trickle,            // answers a byte every 50 ms, never finishing
  accept_then_close,  // closes as soon as it accepted, reading nothing
  close,              // reads the request, closes without an answer
  reset,              // closes with a RST
  garbage,            // answers junk
  headers_then_close  // a 200 head announcing a body, then closes
};

// A response head announcing 100 bytes of body: 40 bytes, fewer than the
// echo's 64, so an echo client too is left short.
constexpr std::string_view kHeadWithoutBody =
    "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";

// A loopback server with one fault; every connection gets its own thread,
// all joined when the server goes.
class FaultServer {
 public:
  explicit FaultServer(Fault fault) : fault_(fault) {}
  unsigned short port() const { return server_.port(); }

 private:
  // Reads a whole request (an HTTP head, or a 64-byte echo payload) within
  // a second, so that closing after it sends a FIN, not the RST of a socket
  // closed with unread bytes.
  bool read_request(int fd) {
    std::string got;
    char buffer[4096];
    while (got.find("\r\n\r\n") == std::string::npos && got.size() < 64) {
      if (!test::readable(fd, 1000)) return false;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }
  void session(int fd) {
    char buffer[4096];
    switch (fault_) {
      case Fault::accept_then_close:
        break;
      case Fault::close:
        read_request(fd);
        break;
      case Fault::headers_then_close:
        if (read_request(fd))
          (void)::send(fd, kHeadWithoutBody.data(), kHeadWithoutBody.size(),
                       MSG_NOSIGNAL);
        break;
      case Fault::reset: {
        const linger hard{1, 0};  // close with RST
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        test::readable(fd, 1000);
        break;
      }
      case Fault::silent:
        // Reads until the client gives up and closes (then recv returns 0
        // at once: looping on would spin a core per connection).
        while (!server_.stopping())
          if (test::readable(fd, 20) &&
              ::recv(fd, buffer, sizeof buffer, 0) <= 0)
            break;
        break;
      case Fault::trickle:
      case Fault::garbage: {
        if (!test::readable(fd, 2000) ||
            ::recv(fd, buffer, sizeof buffer, 0) <= 0)
          break;
        if (fault_ == Fault::garbage) {
          // As many bytes as a 64-byte echo, or an HTTP status line of junk.
          const std::string junk(64, '#');
          (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
          test::readable(fd, 1000);
          break;
        }
        // One byte every 50 ms: each recv gets something, the op never ends.
        const std::string http =
            "HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n";
        for (std::size_t i = 0; !server_.stopping(); ++i) {
          const char c = i < http.size() ? http[i] : 'x';
          if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        break;
      }
    }
    ::close(fd);
  }

  Fault fault_;
  test::ThreadedServer server_{"fault server", [this](int fd) { session(fd); }};
};

struct Case {
  Fault fault;
  const char* name;
  std::vector<std::string> causes;  // any of these
  // The server ends the op itself (closes, resets, answers wrongly): each op
  // fails at once, long before a 10 s op_timeout. Otherwise (silent,
  // trickle) the op_timeout of 200 ms ends it.
  bool prompt = true;
};

RunRequest request(const char* workload, std::string_view strategy,
                   const std::string& target, const Case& c) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.params.set("target", target);
  r.params.set("op_timeout", c.prompt ? "10s" : "200ms");
  r.params.set("connections", "2");
  if (std::string(workload) == "io.tcp_echo") r.params.set("payload", "64B");
  r.load.ops = 2;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

void check(const char* workload, const Case& c) {
  FaultServer server(c.fault);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const std::string target =
      std::string(workload) == "io.http" ? "http://" + address + "/" : address;
  for (const Strategy* s : testing::strategies_for(workload)) {
    SCOPED_TRACE(std::string(workload) + " " + c.name + " " +
                 std::string(s->name()));
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = run(request(workload, s->name(), target, c));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Every op failed (a truncated answer is no success): the run is
    // failed, with every op counted by cause.
    EXPECT_EQ(r.status, RunStatus::failed) << r.reason;
    EXPECT_EQ(r.errors, 2u) << r.reason;
    for (const auto& [cause, count] : r.errors_by_cause)
      EXPECT_NE(std::find(c.causes.begin(), c.causes.end(), cause),
                c.causes.end())
          << cause << " x" << count << ": " << r.reason;
    // 2 ops on 2 connections, each ended by the server at once or by a
    // 200 ms op_timeout: well under 3 s even under a sanitizer, where a
    // per-call limit (or, for a prompt fault, waiting for the 10 s
    // op_timeout) would take far longer.
    EXPECT_LT(seconds, 3.0);
  }
}

TEST(FaultServer, TcpEchoFailsEachOpByCauseWithinTheOpTimeout) {
  const std::vector<Case> cases = {
      {Fault::silent, "silent", {"timeout"}, false},
      {Fault::trickle, "trickle", {"timeout", "mismatch"}, false},
      {Fault::accept_then_close, "accept-then-close", {"short_read", "reset"}},
      {Fault::close, "close", {"short_read"}},
      {Fault::reset, "reset", {"reset", "short_read"}},
      {Fault::garbage, "garbage", {"mismatch"}},
      {Fault::headers_then_close, "headers-then-close", {"short_read"}},
  };
  for (const auto& c : cases) check("io.tcp_echo", c);
}

TEST(FaultServer, HttpFailsEachOpByCauseWithinTheOpTimeout) {
  const std::vector<Case> cases = {
      {Fault::silent, "silent", {"timeout"}, false},
      {Fault::trickle, "trickle", {"timeout"}, false},
      {Fault::accept_then_close, "accept-then-close", {"short_read", "reset"}},
      {Fault::close, "close", {"short_read"}},
      {Fault::reset, "reset", {"reset", "short_read"}},
      {Fault::garbage, "garbage", {"io", "mismatch", "status", "short_read"}},
      // The head says 200 and 100 bytes; the body never comes.
      {Fault::headers_then_close, "headers-then-close", {"short_read"}},
  };
  for (const auto& c : cases) check("io.http", c);
}

}  // namespace
}  // namespace apb
