// io.tcp_echo: one op writes `payload` bytes to an echo server over TCP and
// reads them back, verifying every byte. By default the server is an Asio
// echo server started in-process on 127.0.0.1 (ephemeral port) for the run;
// `target=HOST:PORT` points the client at another echo server instead.
// Connections are kept per lane (one op in flight per connection), so ops
// in flight never exceed `connections`.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/timeout.hpp"
#include "apbench/units.hpp"
#include "watched_socket.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;
using tcp = asio::ip::tcp;

// The in-process echo server: reads exactly `payload` bytes, waits
// `delay`, writes them back, on its own io_context thread.
class EchoServer {
 public:
  EchoServer(const asio::ip::address& bind, std::size_t payload,
             nanoseconds delay)
      : acceptor_(ioc_, tcp::endpoint(bind, 0)),
        payload_(payload),
        delay_(delay) {
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~EchoServer() {
    ioc_.stop();
    thread_.join();
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    std::vector<char> buffer(payload_);
    asio::steady_timer timer(ioc_);
    try {
      for (;;) {
        co_await asio::async_read(socket, asio::buffer(buffer),
                                  asio::use_awaitable);
        if (delay_ > nanoseconds::zero()) {
          timer.expires_after(delay_);
          co_await timer.async_wait(asio::use_awaitable);
        }
        co_await asio::async_write(socket, asio::buffer(buffer),
                                   asio::use_awaitable);
      }
    } catch (const std::exception&) {
      // The client closed or reset the connection: the session ends.
    }
  }

  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::size_t payload_;
  nanoseconds delay_;
  std::thread thread_;
};

// "HOST:PORT" with an IP literal or "localhost".
tcp::endpoint parse_target(const std::string& text) {
  const auto colon = text.rfind(':');
  const auto bad = [&] {
    return apb::UsageError(fmt::format(
        "bad value '{}' for parameter 'target': expected HOST:PORT with an "
        "IP address or localhost, e.g. 127.0.0.1:7000",
        text));
  };
  if (colon == std::string::npos || colon == 0) throw bad();
  std::string host = text.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw bad();
  std::int64_t port = 0;
  try {
    port = apb::parse_integer(text.substr(colon + 1));
  } catch (const apb::UsageError&) {
    throw bad();
  }
  if (port < 1 || port > 65535) throw bad();
  return {address, static_cast<unsigned short>(port)};
}

// What each op sends: the payload pattern with the op index in front, so
// an answer meant for another op is caught.
void fill_payload(std::vector<char>& out, std::size_t index) {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>('a' + (i * 7 + index) % 26);
  for (std::size_t i = 0; i < sizeof index && i < out.size(); ++i)
    out[i] = static_cast<char>(index >> (8 * i));
}

std::string errno_text(int error) { return std::strerror(error); }

// A lane's connection, async form: re-opened after any failure.
struct AsyncConnection {
  apb::io::WatchedSocket conn;
  std::vector<char> out, in;
};

// A lane's connection, blocking form: a plain POSIX socket with
// SO_RCVTIMEO/SO_SNDTIMEO (Asio's blocking calls would ignore them).
struct BlockingConnection {
  int fd = -1;
  std::vector<char> out, in;
  ~BlockingConnection() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

class TcpEchoWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "io.tcp_echo",
        .kind = apb::WorkloadKind::io,
        .description =
            "write `payload` bytes to a TCP echo server, read them "
            "back and verify (in-process server on loopback)",
        .params =
            {{"payload", apb::ParamType::bytes, "1KiB", "bytes per op", {}},
             {"server_delay",
              apb::ParamType::duration,
              "0",
              "time the server waits before answering",
              {}},
             {"connections",
              apb::ParamType::integer,
              "64",
              "client connections (one op in flight per connection)",
              {}},
             {"op_timeout",
              apb::ParamType::duration,
              "10s",
              "an op not answered within this fails as `timeout`",
              {}},
             {"target",
              apb::ParamType::text,
              "",
              "HOST:PORT of an external echo server (empty: start one)",
              {}},
             {"bind",
              apb::ParamType::text,
              "127.0.0.1",
              "address the in-process server listens on",
              {}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 1000,
    };
  }

  void setup(const apb::RunSetup& run) override {
    payload_ = run.params.bytes("payload");
    delay_ = run.params.duration("server_delay");
    timeout_ = run.params.duration("op_timeout");
    const auto connections = run.params.integer("connections");
    if (payload_ < 1 || payload_ > (64u << 20))
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'payload': expected 1B..64MiB",
          apb::format_bytes(static_cast<double>(payload_))));
    if (connections < 1 || connections > 100000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'connections': expected 1..100000",
          connections));
    if (timeout_ <= nanoseconds::zero())
      throw apb::UsageError(
          "bad value for parameter 'op_timeout': expected more than 0");
    connections_ = static_cast<std::size_t>(connections);
    const std::string target = run.params.text("target");
    if (!target.empty()) {
      endpoint_ = parse_target(target);
      return;
    }
    boost::system::error_code ec;
    const auto bind = asio::ip::make_address(run.params.text("bind"), ec);
    if (ec)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'bind': expected an IP address",
          run.params.text("bind")));
    server_.emplace(bind, payload_, delay_);
    endpoint_ = server_->endpoint();
  }

  void teardown() override { server_.reset(); }

  std::optional<std::size_t> concurrency_limit(
      const apb::RunSetup&) const override {
    return connections_;
  }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    auto& lane = op.lane().state<AsyncConnection>();
    try {
      co_await exchange(op, lane);
    } catch (...) {
      lane.conn.fail();  // closes it: a failed exchange breaks it
    }
    op.add_digest(apb::mix64(op.index()));
  }

  void blocking_op(apb::OpContext& op) override {
    auto& conn = op.lane().state<BlockingConnection>();
    try {
      exchange_blocking(op, conn);
    } catch (...) {
      conn.close();
      throw;
    }
    op.add_digest(apb::mix64(op.index()));
  }

  // With a server delay D, C ops in flight need at least ceil(N / C)
  // delays in sequence; without one there is no model of the network.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    if (delay_ <= nanoseconds::zero() || !server_) return std::nullopt;
    const std::size_t lanes =
        std::max<std::size_t>(std::min(run.concurrency, connections_), 1);
    return duration<double>(delay_).count() *
           static_cast<double>((run.ops + lanes - 1) / lanes);
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {{"server", server_ ? fmt::format("in-process Asio echo server on "
                                             "{}:{} (one thread)",
                                             endpoint_.address().to_string(),
                                             endpoint_.port())
                               : fmt::format("external, {}:{}",
                                             endpoint_.address().to_string(),
                                             endpoint_.port())}};
  }

 private:
  asio::awaitable<void> exchange(apb::OpContext& op, AsyncConnection& lane) {
    co_await lane.conn.begin_op(endpoint_, timeout_);
    lane.out.resize(payload_);
    lane.in.resize(payload_);
    fill_payload(lane.out, op.index());
    co_await asio::async_write(lane.conn.socket(), asio::buffer(lane.out),
                               asio::use_awaitable);
    co_await asio::async_read(lane.conn.socket(), asio::buffer(lane.in),
                              asio::use_awaitable);
    lane.conn.end_op();
    verify(lane.out, lane.in);
  }

  void exchange_blocking(apb::OpContext& op, BlockingConnection& conn) {
    if (conn.fd < 0) connect_blocking(conn);
    fill_payload(conn.out, op.index());
    for (std::size_t sent = 0; sent < conn.out.size();) {
      const ssize_t n = ::send(conn.fd, conn.out.data() + sent,
                               conn.out.size() - sent, MSG_NOSIGNAL);
      if (n < 0) throw_errno("send", errno);
      sent += static_cast<std::size_t>(n);
    }
    for (std::size_t got = 0; got < conn.in.size();) {
      const ssize_t n =
          ::recv(conn.fd, conn.in.data() + got, conn.in.size() - got, 0);
      if (n == 0)
        throw apb::OpError(apb::cause::short_read,
                           fmt::format("connection closed after {} of {} "
                                       "bytes",
                                       got, conn.in.size()));
      if (n < 0) throw_errno("recv", errno);
      got += static_cast<std::size_t>(n);
    }
    verify(conn.out, conn.in);
  }

  void connect_blocking(BlockingConnection& conn) {
    conn.fd = ::socket(endpoint_.protocol().family(), SOCK_STREAM, 0);
    if (conn.fd < 0) throw_errno("socket", errno);
    const int one = 1;
    ::setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto us = duration_cast<microseconds>(timeout_).count();
    const timeval tv{static_cast<time_t>(us / 1000000),
                     static_cast<suseconds_t>(us % 1000000)};
    ::setsockopt(conn.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(conn.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    // connect() honours SO_SNDTIMEO on Linux, so a silent host times out.
    const tcp::endpoint& e = endpoint_;
    if (::connect(conn.fd, e.data(), static_cast<socklen_t>(e.size())) != 0) {
      const int error = errno;
      conn.close();
      if (error == EINPROGRESS || error == EAGAIN)
        throw apb::OpError(apb::cause::timeout, "connect: timed out");
      throw apb::OpError(apb::cause::connect,
                         fmt::format("connect: {}", errno_text(error)));
    }
    conn.out.resize(payload_);
    conn.in.resize(payload_);
  }

  [[noreturn]] static void throw_errno(const char* call, int error) {
    if (error == EAGAIN || error == EWOULDBLOCK)
      throw apb::OpError(apb::cause::timeout,
                         fmt::format("{}: no answer in time", call));
    if (error == ECONNRESET || error == EPIPE)
      throw apb::OpError(apb::cause::reset,
                         fmt::format("{}: {}", call, errno_text(error)));
    throw apb::OpError(apb::cause::io,
                       fmt::format("{}: {}", call, errno_text(error)));
  }

  static void verify(const std::vector<char>& sent,
                     const std::vector<char>& received) {
    if (sent != received)
      throw apb::OpError(apb::cause::mismatch,
                         "echo differs from what was sent");
  }

  std::size_t payload_ = 0;
  nanoseconds delay_{};
  nanoseconds timeout_{};
  std::size_t connections_ = 1;
  tcp::endpoint endpoint_;
  std::optional<EchoServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(TcpEchoWorkload);
