// io.tcp_echo and io.http against a server that misbehaves (silent,
// trickling a byte at a time, closing, resetting, sending garbage), in every
// strategy that can run them: each op fails with the right cause, and
// op_timeout bounds the whole op in the blocking forms as in the async one.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

enum class Fault { silent, trickle, close, reset, garbage };

// A loopback server with one fault; every connection gets its own thread,
// all joined when the server goes.
class FaultServer {
 public:
  explicit FaultServer(Fault fault) : fault_(fault) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
        ::listen(listener_, 128) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &size) != 0)
      throw std::runtime_error("fault server: cannot listen");
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FaultServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : sessions_) t.join();
    ::close(listener_);
  }
  unsigned short port() const { return port_; }

 private:
  bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  }
  void accept_loop() {
    while (!stop_) {
      if (!readable(listener_, 20)) continue;
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) sessions_.emplace_back([this, fd] { session(fd); });
    }
  }
  void session(int fd) {
    char buffer[4096];
    switch (fault_) {
      case Fault::close:
        break;
      case Fault::reset: {
        const linger hard{1, 0};  // close with RST
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        readable(fd, 1000);
        break;
      }
      case Fault::silent:
        while (!stop_)
          readable(fd, 20) && ::recv(fd, buffer, sizeof buffer, 0) > 0;
        break;
      case Fault::trickle:
      case Fault::garbage: {
        if (!readable(fd, 2000) || ::recv(fd, buffer, sizeof buffer, 0) <= 0)
          break;
        if (fault_ == Fault::garbage) {
          // As many bytes as a 64-byte echo, or an HTTP status line of junk.
          const std::string junk(64, '#');
          (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
          readable(fd, 1000);
          break;
        }
        // One byte every 50 ms: each recv gets something, the op never ends.
        const std::string http =
            "HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n";
        for (std::size_t i = 0; !stop_; ++i) {
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
  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> sessions_;
};

RunRequest request(const char* workload, std::string_view strategy,
                   const std::string& target) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.params.set("target", target);
  r.params.set("op_timeout", "200ms");
  r.params.set("connections", "2");
  if (std::string(workload) == "io.tcp_echo") r.params.set("payload", "64B");
  r.load.ops = 2;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

struct Case {
  Fault fault;
  const char* name;
  std::vector<std::string> causes;  // any of these
};

void check(const char* workload, const Case& c) {
  FaultServer server(c.fault);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const std::string target =
      std::string(workload) == "io.http" ? "http://" + address + "/" : address;
  for (const Strategy* s : testing::strategies_for(workload)) {
    SCOPED_TRACE(std::string(workload) + " " + c.name + " " +
                 std::string(s->name()));
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = run(request(workload, s->name(), target));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Every op failed: the run is failed, with every op counted by cause.
    EXPECT_EQ(r.status, RunStatus::failed) << r.reason;
    EXPECT_EQ(r.errors, 2u) << r.reason;
    for (const auto& [cause, count] : r.errors_by_cause)
      EXPECT_NE(std::find(c.causes.begin(), c.causes.end(), cause),
                c.causes.end())
          << cause << " x" << count << ": " << r.reason;
    // 2 ops on 2 connections, each op within 200 ms: well under 3 s even
    // under a sanitizer, where a per-call limit would take far longer.
    EXPECT_LT(seconds, 3.0);
  }
}

const std::vector<Case> kEchoCases = {
    {Fault::silent, "silent", {"timeout"}},
    {Fault::trickle, "trickle", {"timeout", "mismatch"}},
    {Fault::close, "close", {"short_read", "reset"}},
    {Fault::reset, "reset", {"reset", "short_read"}},
    {Fault::garbage, "garbage", {"mismatch"}},
};

TEST(FaultServer, TcpEchoFailsEachOpByCauseWithinTheOpTimeout) {
  for (const auto& c : kEchoCases) check("io.tcp_echo", c);
}

TEST(FaultServer, HttpFailsEachOpByCauseWithinTheOpTimeout) {
  const std::vector<Case> cases = {
      {Fault::silent, "silent", {"timeout"}},
      {Fault::trickle, "trickle", {"timeout"}},
      {Fault::close, "close", {"short_read", "reset"}},
      {Fault::reset, "reset", {"reset", "short_read"}},
      {Fault::garbage, "garbage", {"io", "mismatch", "status", "short_read"}},
  };
  for (const auto& c : cases) check("io.http", c);
}

}  // namespace
}  // namespace apb
