#pragma once
// A listening TCP socket on 127.0.0.1 on a port the kernel picks, for the
// tests' own loopback servers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace apb::test {

struct LoopbackListener {
  int fd = -1;
  unsigned short port = 0;
};

// `who` names the server in the exception when it cannot listen.
inline LoopbackListener listen_on_loopback(const std::string& who) {
  LoopbackListener l;
  l.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  if (l.fd < 0 || ::bind(l.fd, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
      ::listen(l.fd, 128) != 0 ||
      ::getsockname(l.fd, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
    if (l.fd >= 0) ::close(l.fd);
    throw std::runtime_error(who + ": cannot listen on 127.0.0.1");
  }
  l.port = ntohs(a.sin_port);
  return l;
}

}  // namespace apb::test
