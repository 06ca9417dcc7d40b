#pragma once
// A loopback server for tests: one thread accepts, each connection gets a
// thread of its own running `session(fd)` (which closes fd), all joined
// when the server goes. `admit(fd)` may refuse a connection (it then
// closes fd itself). Declare it last in a class whose members the
// sessions use, so it is destroyed, and its threads joined, first.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "loopback_listener.hpp"

namespace apb::test {

// Whether fd has something to read (or was closed) within `ms`.
inline bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

class ThreadedServer {
 public:
  ThreadedServer(const std::string& who, std::function<void(int)> session,
                 std::function<bool(int)> admit = {})
      : listening_(listen_on_loopback(who)),
        session_(std::move(session)),
        admit_(std::move(admit)),
        acceptor_([this] { accept_loop(); }) {}
  ~ThreadedServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : sessions_) t.join();
    ::close(listening_.fd);
  }
  ThreadedServer(const ThreadedServer&) = delete;
  ThreadedServer& operator=(const ThreadedServer&) = delete;

  unsigned short port() const { return listening_.port; }
  // True once the server is going: sessions that wait should end.
  bool stopping() const { return stop_; }

 private:
  void accept_loop() {
    while (!stop_) {
      if (!readable(listening_.fd, 20)) continue;
      const int fd = ::accept4(listening_.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0 || (admit_ && !admit_(fd))) continue;
      sessions_.emplace_back([this, fd] { session_(fd); });
    }
  }

  LoopbackListener listening_;
  std::function<void(int)> session_;
  std::function<bool(int)> admit_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> sessions_;  // only the acceptor adds to it
  std::thread acceptor_;               // last: started once all else is
};

}  // namespace apb::test
