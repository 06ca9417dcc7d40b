// The target host of scripts/cluster.sh: apbench's own HTTP server
// (apb::LoopbackHttpServer, the one io.http starts in-process) listening on
// ADDRESS, an address of the target's network namespace, until SIGTERM or
// SIGINT. Writes "ADDRESS:PORT" (an ephemeral port) to PORT_FILE once
// listening, so the script knows where to send the load.
// Usage: cluster_http_target ADDRESS PORT_FILE
#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <exception>
#include <fstream>

#include "apbench/loopback_http_server.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: cluster_http_target ADDRESS PORT_FILE\n");
    return 2;
  }
  // Blocked before the server's thread exists, so it inherits the mask and
  // only sigwait below takes the signal.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  try {
    apb::LoopbackHttpServer server(apb::LoopbackHttpServer::Options{
        .bind = boost::asio::ip::make_address(argv[1])});
    {
      std::ofstream out(argv[2]);
      out << server.host() << '\n';
    }
    int signal = 0;
    sigwait(&stop, &signal);
    fmt::print(stderr, "cluster_http_target: served {} requests\n",
               server.requests());
  } catch (const std::exception& e) {
    fmt::print(stderr, "cluster_http_target: {}\n", e.what());
    return 1;
  }
  return 0;
}
