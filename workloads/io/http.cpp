// io.http: one op is an HTTP/1.1 `GET` over a kept-alive connection; the
// client checks the status (200) and the body length. By default the
// server is apb::LoopbackHttpServer (Boost.Beast, <apbench/
// loopback_http_server.hpp>) started in-process on 127.0.0.1 (ephemeral
// port) for the run, answering `GET /` with `body` bytes after
// `server_delay`; `target=http://HOST[:PORT][/PATH]` points the client at
// another server instead. Connections are kept per lane (one request in
// flight per connection), so ops in flight never exceed `connections`.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "apbench/error.hpp"
#include "apbench/loopback_http_server.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/timeout.hpp"
#include "apbench/units.hpp"
#include "blocking_socket.hpp"
#include "http_target.hpp"
#include "net_params.hpp"
#include "watched_socket.hpp"

namespace {

using apb::io::parse_target;
using apb::io::Target;
using apb::io::throw_read_error;
using namespace std::chrono;
namespace asio = apb::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Largest body the client accepts (an external server may send more than
// `body`); Beast's default of 8 MiB would be too small for body=64MiB.
constexpr std::uint64_t max_body = std::uint64_t{1} << 30;
constexpr std::uint64_t max_body_param = std::uint64_t{64} << 20;

// "ADDR:PORT", with an IPv6 address in brackets.
std::string host_port(const tcp::endpoint& e) {
  const auto address = e.address().to_string();
  return e.address().is_v6() ? fmt::format("[{}]:{}", address, e.port())
                             : fmt::format("{}:{}", address, e.port());
}

// Parses a response keeping only what the client checks: status, reason
// and body size. No header container and no copy of the body: like wrk,
// and unlike http::response_parser<string_body>, which allocates per
// header field and per body.
class ResponseParser final : public http::basic_parser<false> {
 public:
  unsigned status() const { return status_; }
  std::string_view reason() const { return reason_; }
  std::uint64_t body_size() const { return body_size_; }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view reason, int,
                        beast::error_code&) override {
    status_ = static_cast<unsigned>(code);
    reason_.assign(reason.data(), reason.size());
  }
  void on_field_impl(http::field, beast::string_view, beast::string_view,
                     beast::error_code&) override {}
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&,
                         beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body,
                           beast::error_code&) override {
    body_size_ += body.size();
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    body_size_ += body.size();
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  unsigned status_ = 0;
  std::string reason_;
  std::uint64_t body_size_ = 0;
};

// A lane's connection, async form: re-opened after any failure.
struct AsyncConnection {
  apb::io::WatchedSocket conn;
  beast::flat_buffer buffer;  // bytes read beyond the last response
};

// A lane's connection, blocking form: re-opened after any failure.
struct BlockingConnection {
  apb::io::BlockingSocket conn;
  beast::flat_buffer buffer;  // bytes read beyond the last response
  void close() {
    conn.close();
    buffer.clear();
  }
};

class HttpWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "io.http",
        .kind = apb::WorkloadKind::io,
        .description =
            "HTTP/1.1 GET over kept-alive connections, checking status and "
            "body length (in-process Boost.Beast server on loopback)",
        .params = apb::io::NetParams::specs(
            {"body",
             apb::ParamType::bytes,
             "120B",
             "response body size of the in-process server",
             {}},
            "request",
            "http://HOST[:PORT][/PATH] of an external server (empty: start "
            "one)"),
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 2000,
    };
  }

  void setup(const apb::RunSetup& run) override {
    body_ = run.params.bytes("body");
    if (body_ > max_body_param)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'body': expected 0B..64MiB",
                      apb::format_bytes(static_cast<double>(body_))));
    net_ = apb::io::NetParams::read(run.params);
    net_.check_descriptors(run, run.params.text("target").empty());
    const std::string target = run.params.text("target");
    if (!target.empty()) {
      target_ = parse_target(target);
      url_ = target;
    } else {
      server_.emplace(apb::LoopbackHttpServer::Options{
          .body_bytes = static_cast<std::size_t>(body_),
          .delay = net_.server_delay,
          .bind = apb::io::parse_bind(run.params.text("bind")),
          .failure = run.failure});
      target_.endpoint = server_->endpoint();
      target_.host = host_port(target_.endpoint);
      target_.path = "/";
      url_ = fmt::format("http://{}/", target_.host);
    }
    // Serialized once: every op sends the same bytes.
    http::request<http::empty_body> request{http::verb::get, target_.path, 11};
    request.set(http::field::host, target_.host);
    request.set(http::field::user_agent, "apbench");
    request.keep_alive(true);
    std::ostringstream out;
    out << request;
    request_ = std::move(out).str();
  }

  void teardown() override { server_.reset(); }

  std::optional<std::size_t> concurrency_limit(
      const apb::RunSetup&) const override {
    return net_.connections;
  }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    auto& lane = op.lane().state<AsyncConnection>();
    std::size_t size = 0;
    try {
      size = co_await exchange(lane);
    } catch (...) {
      lane.buffer.clear();
      lane.conn.fail();  // closes it: a failed exchange breaks it
    }
    op.add_digest(apb::mix64(size));
  }

  void blocking_op(apb::OpContext& op) override {
    auto& conn = op.lane().state<BlockingConnection>();
    std::size_t size = 0;
    try {
      size = exchange_blocking(op, conn);
    } catch (...) {
      conn.close();
      throw;
    }
    op.add_digest(apb::mix64(size));
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
    return {{"server",
             server_ ? fmt::format("in-process Boost.Beast HTTP/1.1 server on "
                                   "{} (one thread)",
                                   host_port(target_.endpoint))
                     : fmt::format("external, {}", url_)}};
  }

 private:
  // One request and its response on the lane's connection; returns the
  // body size.
  asio::awaitable<std::size_t> exchange(AsyncConnection& lane) {
    if (!lane.conn.is_open()) lane.buffer.clear();
    co_await lane.conn.begin_op(target_.endpoint, net_.op_timeout);
    co_await asio::async_write(lane.conn.socket(), asio::buffer(request_),
                               asio::use_awaitable);
    ResponseParser parser;
    parser.body_limit(max_body);
    auto [ec, n] =
        co_await http::async_read(lane.conn.socket(), lane.buffer, parser,
                                  asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) throw_read_error(ec);
    lane.conn.end_op();
    if (!parser.keep_alive()) lane.conn.close();  // the server closes it
    co_return check(parser);
  }

  std::size_t exchange_blocking(apb::OpContext& op, BlockingConnection& conn) {
    conn.conn.begin_op(net_.op_timeout, op.stop_token());
    if (!conn.conn.is_open()) {
      conn.buffer.clear();
      conn.conn.connect(target_.endpoint);
    }
    conn.conn.send_all(request_.data(), request_.size());
    ResponseParser parser;
    parser.body_limit(max_body);
    parser.eager(true);  // parse header and body from one buffer in one go
    for (;;) {
      // Parse what has arrived; bytes past the response stay in the buffer.
      while (conn.buffer.size() > 0 && !parser.is_done()) {
        boost::system::error_code ec;
        const std::size_t used = parser.put(conn.buffer.data(), ec);
        conn.buffer.consume(used);
        if (ec == http::error::need_more) break;
        if (ec) throw_read_error(ec);
        if (used == 0) break;
      }
      if (parser.is_done()) break;
      const auto space = conn.buffer.prepare(64 * 1024);
      const std::size_t n =
          conn.conn.recv_some(static_cast<char*>(space.data()), space.size());
      if (n == 0) {
        // A response without a length ends with the connection.
        boost::system::error_code ec = http::error::end_of_stream;
        if (parser.got_some()) parser.put_eof(ec);
        if (ec) throw_read_error(ec);
        break;
      }
      conn.buffer.commit(n);
    }
    if (!parser.keep_alive()) conn.close();  // the server closes it
    return check(parser);
  }

  // Status 200 and, from the in-process server, exactly `body` bytes.
  std::size_t check(const ResponseParser& response) const {
    if (response.status() != 200)
      throw apb::OpError(
          apb::cause::status,
          fmt::format("HTTP {} {}", response.status(), response.reason()));
    const auto size = static_cast<std::size_t>(response.body_size());
    if (server_ && size != body_)
      throw apb::OpError(
          apb::cause::mismatch,
          fmt::format("body of {} bytes, expected {}", size, body_));
    return size;
  }

  std::uint64_t body_ = 0;
  apb::io::NetParams net_;
  Target target_;
  std::string url_;      // for notes
  std::string request_;  // the serialized GET
  std::optional<apb::LoopbackHttpServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(HttpWorkload);
