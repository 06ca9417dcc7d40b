// io.tcp_echo: one op writes `payload` bytes to an echo server over TCP and
// reads them back, verifying every byte. By default the server is
// apb::LoopbackEchoServer (<apbench/loopback_echo_server.hpp>) started
// in-process on 127.0.0.1 (ephemeral port) for the run;
// `target=HOST:PORT` points the client at another echo server instead.
// Connections are kept per lane (one op in flight per connection), so ops
// in flight never exceed `connections`.
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/loopback_echo_server.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/timeout.hpp"
#include "apbench/units.hpp"
#include "blocking_socket.hpp"
#include "net_params.hpp"
#include "watched_socket.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;
using tcp = asio::ip::tcp;

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

// What each op sends: a fixed pattern with the op's index in its first
// bytes, so an answer meant for another op is caught. The pattern is
// copied into a lane's buffer once; an op only rewrites the index (making
// the whole payload per op cost more than the echo itself).
std::vector<char> payload_pattern(std::size_t size) {
  std::vector<char> pattern(size);
  for (std::size_t i = 0; i < size; ++i)
    pattern[i] = static_cast<char>('a' + (i * 7) % 26);
  return pattern;
}

void stamp_index(std::vector<char>& out, std::size_t index) {
  for (std::size_t i = 0; i < sizeof index && i < out.size(); ++i)
    out[i] = static_cast<char>(index >> (8 * i));
}

// A lane's connection, async form: re-opened after any failure.
struct AsyncConnection {
  apb::io::WatchedSocket conn;
  std::vector<char> out, in;
};

// A lane's connection, blocking form: re-opened after any failure.
struct BlockingConnection {
  apb::io::BlockingSocket conn;
  std::vector<char> out, in;
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
        .params = apb::io::NetParams::specs(
            {"payload", apb::ParamType::bytes, "1KiB", "bytes per op", {}},
            "op", "HOST:PORT of an external echo server (empty: start one)"),
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 1000,
    };
  }

  void setup(const apb::RunSetup& run) override {
    payload_ = run.params.bytes("payload");
    if (payload_ < 1 || payload_ > (64u << 20))
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'payload': expected 1B..64MiB",
          apb::format_bytes(static_cast<double>(payload_))));
    net_ = apb::io::NetParams::read(run.params);
    net_.check_descriptors(run, run.params.text("target").empty());
    pattern_ = payload_pattern(payload_);
    const std::string target = run.params.text("target");
    if (!target.empty()) {
      endpoint_ = parse_target(target);
      return;
    }
    server_.emplace(apb::LoopbackEchoServer::Options{
        .message_bytes = payload_,
        .delay = net_.server_delay,
        .bind = apb::io::parse_bind(run.params.text("bind")),
        .failure = run.failure});
    endpoint_ = server_->endpoint();
  }

  void teardown() override { server_.reset(); }

  std::optional<std::size_t> concurrency_limit(
      const apb::RunSetup&) const override {
    return net_.connections;
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
      conn.conn.close();
      throw;
    }
    op.add_digest(apb::mix64(op.index()));
  }

  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    if (!server_) return std::nullopt;
    return net_.ideal_seconds(run);
  }

  std::map<std::string, std::uint64_t> counters() const override {
    if (!server_) return {};
    return {{apb::io::kAcceptErrorsCounter, server_->accept_errors()}};
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
    co_await lane.conn.begin_op(endpoint_, net_.op_timeout);
    if (lane.out.size() != payload_) {
      lane.out = pattern_;
      lane.in.resize(payload_);
    }
    stamp_index(lane.out, op.index());
    co_await asio::async_write(lane.conn.socket(), asio::buffer(lane.out),
                               asio::use_awaitable);
    co_await asio::async_read(lane.conn.socket(), asio::buffer(lane.in),
                              asio::use_awaitable);
    lane.conn.end_op();
    verify(lane.out, lane.in);
  }

  void exchange_blocking(apb::OpContext& op, BlockingConnection& conn) {
    conn.conn.begin_op(net_.op_timeout, op.stop_token());
    if (!conn.conn.is_open()) {
      conn.conn.connect(endpoint_);
      conn.out = pattern_;
      conn.in.resize(payload_);
    }
    stamp_index(conn.out, op.index());
    conn.conn.send_all(conn.out.data(), conn.out.size());
    for (std::size_t got = 0; got < conn.in.size();) {
      const std::size_t n =
          conn.conn.recv_some(conn.in.data() + got, conn.in.size() - got);
      if (n == 0)
        throw apb::OpError(apb::cause::short_read,
                           fmt::format("connection closed after {} of {} "
                                       "bytes",
                                       got, conn.in.size()));
      got += n;
    }
    verify(conn.out, conn.in);
  }

  static void verify(const std::vector<char>& sent,
                     const std::vector<char>& received) {
    if (sent != received)
      throw apb::OpError(apb::cause::mismatch,
                         "echo differs from what was sent");
  }

  std::size_t payload_ = 0;
  std::vector<char> pattern_;
  apb::io::NetParams net_;
  tcp::endpoint endpoint_;
  std::optional<apb::LoopbackEchoServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(TcpEchoWorkload);
