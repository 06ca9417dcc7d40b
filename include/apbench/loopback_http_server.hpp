#pragma once
// A loopback HTTP/1.1 server for a workload of your own to fetch from:
// the Boost.Beast server `io.http` starts, on 127.0.0.1 and an ephemeral
// port, on a thread of its own. It answers `GET /` with 200 and a fixed
// body after `delay`, `POST /` with 200 and the number of bytes it received
// (in decimal) after `post_delay`, anything else with 404, keeping
// connections alive as the client asks. Start it in setup() and stop it in
// teardown():
//
//   server_.emplace(apb::LoopbackHttpServer::Options{
//       .body = document, .failure = run.failure});
//   ... http::write(socket, GET server_->target() Host server_->host()) ...
//   void teardown() override { server_.reset(); }
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "apbench/asio.hpp"
#include "apbench/run_failure.hpp"

namespace apb {

class LoopbackHttpServer {
 public:
  struct Options {
    // The body of `GET /`: `body` when not empty, else `body_bytes` bytes
    // of 'x'.
    std::string body{};
    std::size_t body_bytes = 120;
    // Waited before each answer to a GET (a slow backend), and to a POST,
    // on the server's thread.
    std::chrono::nanoseconds delay{};
    std::chrono::nanoseconds post_delay{};
    // Where it listens: 127.0.0.1 unless told otherwise (io.http's `bind`).
    asio::ip::address bind = asio::ip::address_v4::loopback();
    // Hears of an accept error the server cannot go on after (give it
    // RunSetup::failure: the run then fails at once with the reason);
    // may be null.
    std::shared_ptr<RunFailure> failure{};
  };

  // Listening and serving when it returns; throws boost::system::system_error
  // when it cannot listen.
  explicit LoopbackHttpServer(Options options);
  ~LoopbackHttpServer();  // stop()
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  // Stops serving and joins the server's thread; open connections are
  // closed. Idempotent.
  void stop();

  asio::ip::tcp::endpoint endpoint() const;  // 127.0.0.1:PORT
  std::string host() const;                  // "127.0.0.1:PORT": Host header
  std::string url() const;                   // "http://127.0.0.1:PORT/"
  std::size_t body_size() const;             // bytes of `GET /`'s body
  // Requests received so far (each answered, 404s included; counted
  // before the answer is sent), and accepts that failed.
  std::uint64_t requests() const;
  std::uint64_t accept_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apb
