#pragma once
// A lane's TCP connection for blocking ops: a plain POSIX socket with
// SO_RCVTIMEO/SO_SNDTIMEO, because Asio's blocking calls would ignore
// them. Failures are thrown as apb::OpError with the cause the errno
// means. Used by io.tcp_echo and io.http.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>

#include "apbench/op_error.hpp"

namespace apb::io {

inline std::string errno_text(int error) { return std::strerror(error); }

// A failed socket call as an op failure: an expired SO_*TIMEO shows as
// EAGAIN, a dropped peer as ECONNRESET/EPIPE.
[[noreturn]] inline void throw_errno(const char* call, int error) {
  if (error == EAGAIN || error == EWOULDBLOCK)
    throw OpError(cause::timeout, fmt::format("{}: no answer in time", call));
  if (error == ECONNRESET || error == EPIPE)
    throw OpError(cause::reset, fmt::format("{}: {}", call, errno_text(error)));
  throw OpError(cause::io, fmt::format("{}: {}", call, errno_text(error)));
}

class BlockingSocket {
 public:
  using tcp = boost::asio::ip::tcp;

  BlockingSocket() = default;
  BlockingSocket(const BlockingSocket&) = delete;
  BlockingSocket& operator=(const BlockingSocket&) = delete;
  ~BlockingSocket() { close(); }

  bool is_open() const { return fd_ >= 0; }

  // Connects with `timeout` on connect, every send and every recv.
  void connect(const tcp::endpoint& endpoint,
               std::chrono::nanoseconds timeout) {
    close();
    fd_ = ::socket(endpoint.protocol().family(), SOCK_STREAM, 0);
    if (fd_ < 0) throw_errno("socket", errno);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    const timeval tv{static_cast<time_t>(us / 1000000),
                     static_cast<suseconds_t>(us % 1000000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    // connect() honours SO_SNDTIMEO on Linux, so a silent host times out.
    if (::connect(fd_, endpoint.data(),
                  static_cast<socklen_t>(endpoint.size())) != 0) {
      const int error = errno;
      close();
      if (error == EINPROGRESS || error == EAGAIN)
        throw OpError(cause::timeout, "connect: timed out");
      throw OpError(cause::connect,
                    fmt::format("connect: {}", errno_text(error)));
    }
  }

  void send_all(const char* data, std::size_t size) {
    for (std::size_t sent = 0; sent < size;) {
      // MSG_NOSIGNAL: a closed peer is an EPIPE error, not a SIGPIPE.
      const ssize_t n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("send", errno);
      }
      sent += static_cast<std::size_t>(n);
    }
  }

  // Reads what has arrived, up to `size` bytes; 0 means the peer closed.
  std::size_t recv_some(char* data, std::size_t size) {
    for (;;) {
      const ssize_t n = ::recv(fd_, data, size, 0);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) throw_errno("recv", errno);
    }
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace apb::io
