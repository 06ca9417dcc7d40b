#pragma once
// A loopback TCP echo server for a workload of your own: the Asio server
// `io.tcp_echo` starts, on 127.0.0.1 and an ephemeral port, on a thread of
// its own. On each connection it reads a message of exactly
// `message_bytes`, waits `delay`, writes it back, and repeats until the
// client closes. Start it in setup() and stop it in teardown():
//
//   server_.emplace(apb::LoopbackEchoServer::Options{
//       .message_bytes = 4096, .failure = run.failure});
//   void teardown() override { server_.reset(); }
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "apbench/asio.hpp"
#include "apbench/run_failure.hpp"

namespace apb {

class LoopbackEchoServer {
 public:
  struct Options {
    std::size_t message_bytes = 1024;  // read, then echoed, per message
    // Waited before each echo, on the server's thread.
    std::chrono::nanoseconds delay{};
    // Where it listens: 127.0.0.1 unless told otherwise (io.tcp_echo's
    // `bind`).
    asio::ip::address bind = asio::ip::address_v4::loopback();
    // Hears of an accept error the server cannot go on after (give it
    // RunSetup::failure); may be null.
    std::shared_ptr<RunFailure> failure{};
  };

  // Listening and serving when it returns; throws boost::system::system_error
  // when it cannot listen.
  explicit LoopbackEchoServer(Options options);
  ~LoopbackEchoServer();  // stop()
  LoopbackEchoServer(const LoopbackEchoServer&) = delete;
  LoopbackEchoServer& operator=(const LoopbackEchoServer&) = delete;

  // Stops serving and joins the server's thread; open connections are
  // closed. Idempotent.
  void stop();

  asio::ip::tcp::endpoint endpoint() const;  // 127.0.0.1:PORT
  // Messages received so far (each echoed; counted before the echo is
  // sent), and accepts that failed.
  std::uint64_t messages() const;
  std::uint64_t accept_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apb
