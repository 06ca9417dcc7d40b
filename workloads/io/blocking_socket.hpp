#pragma once
// A lane's TCP connection for blocking ops: a non-blocking POSIX socket
// waited on with poll(), so that one deadline bounds the whole op (connect,
// every send and every recv together, as the async form's watchdog does)
// and a stop request (Ctrl-C) ends a wait within kStopCheck. Failures are
// thrown as apb::OpError with the cause the errno means. Used by io.tcp_echo
// and io.http.
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <stop_token>
#include <string>

#include "apbench/op_error.hpp"
#include "apbench/units.hpp"

namespace apb::io {

inline std::string errno_text(int error) { return std::strerror(error); }

// Out of descriptors, buffers or memory: the machine's limit, not the peer.
inline bool resource_errno(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS ||
         error == ENOMEM;
}

// A failed socket call as an op failure: a dropped peer is ECONNRESET/EPIPE.
[[noreturn]] inline void throw_errno(const char* call, int error) {
  if (error == ECONNRESET || error == EPIPE)
    throw OpError(cause::reset, fmt::format("{}: {}", call, errno_text(error)));
  if (resource_errno(error))
    throw OpError(cause::resource,
                  fmt::format("{}: {}", call, errno_text(error)));
  throw OpError(cause::io, fmt::format("{}: {}", call, errno_text(error)));
}

class BlockingSocket {
 public:
  using tcp = boost::asio::ip::tcp;
  using clock = std::chrono::steady_clock;
  // How often a wait looks at the stop request.
  static constexpr std::chrono::milliseconds kStopCheck{50};

  BlockingSocket() = default;
  BlockingSocket(const BlockingSocket&) = delete;
  BlockingSocket& operator=(const BlockingSocket&) = delete;
  ~BlockingSocket() { close(); }

  bool is_open() const { return fd_ >= 0; }

  // Starts an op: every call until the next begin_op must finish within
  // `limit` of now, all together; `stop` ends any wait early.
  void begin_op(std::chrono::nanoseconds limit, std::stop_token stop) {
    deadline_ =
        clock::now() + std::chrono::duration_cast<clock::duration>(limit);
    limit_ = limit;
    stop_ = std::move(stop);
  }

  // Connects (part of the op, under its deadline).
  void connect(const tcp::endpoint& endpoint) {
    close();
    fd_ = ::socket(endpoint.protocol().family(),
                   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      const int error = errno;
      if (resource_errno(error))
        throw OpError(cause::resource,
                      fmt::format("socket: {}", errno_text(error)));
      throw OpError(cause::io, fmt::format("socket: {}", errno_text(error)));
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, endpoint.data(),
                  static_cast<socklen_t>(endpoint.size())) != 0) {
      int error = errno;
      if (error == EINPROGRESS) {
        wait("connect", POLLOUT);
        socklen_t size = sizeof error;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0)
          error = errno;
      }
      if (error != 0) {
        close();
        if (resource_errno(error))
          throw OpError(cause::resource,
                        fmt::format("connect: {}", errno_text(error)));
        throw OpError(cause::connect,
                      fmt::format("connect: {}", errno_text(error)));
      }
    }
  }

  void send_all(const char* data, std::size_t size) {
    for (std::size_t sent = 0; sent < size;) {
      // MSG_NOSIGNAL: a closed peer is an EPIPE error, not a SIGPIPE.
      const ssize_t n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        wait("send", POLLOUT);
      } else if (errno != EINTR) {
        throw_errno("send", errno);
      }
    }
  }

  // Reads what has arrived, up to `size` bytes; 0 means the peer closed.
  std::size_t recv_some(char* data, std::size_t size) {
    for (;;) {
      wait("recv", POLLIN);
      const ssize_t n = ::recv(fd_, data, size, 0);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
        throw_errno("recv", errno);
    }
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  // Waits until the socket is ready for `events`, the op's deadline passed
  // (a timeout) or a stop was requested.
  void wait(const char* call, short events) {
    for (;;) {
      if (stop_.stop_requested())
        throw OpError(cause::exception, fmt::format("{}: stopped", call));
      const auto left = deadline_ - clock::now();
      if (left <= clock::duration::zero())
        throw OpError(
            cause::timeout,
            fmt::format("{}: no answer within op_timeout ({})", call,
                        format_duration(
                            std::chrono::duration<double>(limit_).count())));
      const auto slice = std::min<clock::duration>(left, kStopCheck);
      pollfd p{fd_, events, 0};
      const int ready = ::poll(
          &p, 1,
          static_cast<int>(
              std::chrono::ceil<std::chrono::milliseconds>(slice).count()));
      if (ready > 0) return;  // ready, or an error the next call reports
      if (ready < 0 && errno != EINTR) throw_errno("poll", errno);
    }
  }

  int fd_ = -1;
  clock::time_point deadline_ = clock::time_point::max();
  std::chrono::nanoseconds limit_{};
  std::stop_token stop_;
};

}  // namespace apb::io
