// io.http: one op is an HTTP/1.1 `GET` over a kept-alive connection; the
// client checks the status (200) and the body length. By default the
// server is a Boost.Beast server started in-process on 127.0.0.1
// (ephemeral port) for the run, answering `GET /` with `body` bytes after
// `server_delay`; `target=http://HOST[:PORT][/PATH]` points the client at
// another server instead. Connections are kept per lane (one request in
// flight per connection), so ops in flight never exceed `connections`.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

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
#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

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

// The in-process server: answers `GET /` with 200 and `body` bytes after
// `delay` (anything else with 404), keeping connections alive as the
// client asks, on its own io_context thread.
class HttpServer {
 public:
  HttpServer(const asio::ip::address& bind, std::size_t body, nanoseconds delay)
      : acceptor_(ioc_, tcp::endpoint(bind, 0)), delay_(delay) {
    const std::string payload(body, 'x');
    for (bool keep_alive : {false, true}) {
      ok_[keep_alive] = make_response(http::status::ok, payload, keep_alive);
      not_found_[keep_alive] =
          make_response(http::status::not_found, "not found\n", keep_alive);
    }
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~HttpServer() {
    ioc_.stop();
    thread_.join();
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  using Response = http::response<http::string_body>;

  static Response make_response(http::status status, std::string body,
                                bool keep_alive) {
    Response res{status, 11};
    res.set(http::field::server, "apbench");
    res.set(http::field::content_type, "application/octet-stream");
    res.body() = std::move(body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    asio::steady_timer timer(ioc_);
    try {
      for (;;) {
        http::request<http::string_body> request;
        co_await http::async_read(socket, buffer, request, asio::use_awaitable);
        if (delay_ > nanoseconds::zero()) {
          timer.expires_after(delay_);
          co_await timer.async_wait(asio::use_awaitable);
        }
        const bool keep_alive = request.keep_alive();
        const bool found =
            request.method() == http::verb::get && request.target() == "/";
        // The responses are built once and only read here (the const
        // overload of async_write serializes without changing them).
        const Response& response =
            found ? ok_[keep_alive] : not_found_[keep_alive];
        co_await http::async_write(socket, response, asio::use_awaitable);
        if (!keep_alive) break;
      }
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    } catch (const std::exception&) {
      // The client closed or reset the connection: the session ends.
    }
  }

  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  nanoseconds delay_;
  Response ok_[2];         // [keep_alive]
  Response not_found_[2];  // [keep_alive]
  std::thread thread_;
};

// Where the client sends its requests.
struct Target {
  tcp::endpoint endpoint;
  std::string host;  // the Host header: host[:port] as given
  std::string path;  // the request target, "/" by default
};

// "http://HOST[:PORT][/PATH]" with HOST an IP literal ("[::1]" for IPv6)
// or localhost; PORT defaults to 80 and PATH to "/".
Target parse_target(const std::string& text) {
  const auto bad = [&](std::string_view why = {}) {
    return apb::UsageError(fmt::format(
        "bad value '{}' for parameter 'target': {}expected "
        "http://HOST[:PORT][/PATH] with HOST an IP address or localhost, "
        "e.g. http://127.0.0.1:8080/",
        text, why));
  };
  constexpr std::string_view scheme = "http://";
  const std::string_view view = text;
  if (view.size() < scheme.size() ||
      !beast::iequals(view.substr(0, scheme.size()), scheme)) {
    if (beast::iequals(view.substr(0, 8), "https://"))
      throw bad("https is not supported; ");
    throw bad();
  }
  const std::string_view rest = view.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  Target target;
  target.host = std::string(authority);
  target.path =
      slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  for (const char c : target.path)
    if (static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f)
      throw bad();

  std::string_view host;
  std::string_view after;  // "" or ":PORT"
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw bad();
    host = authority.substr(1, close - 1);
    after = authority.substr(close + 1);
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    after = colon == std::string_view::npos ? std::string_view{}
                                            : authority.substr(colon);
  }
  if (host.empty()) throw bad();
  boost::system::error_code ec;
  const auto address = host == "localhost"
                           ? asio::ip::make_address_v4("127.0.0.1")
                           : asio::ip::make_address(std::string(host), ec);
  if (ec) throw bad();
  if (address.is_v6() != (authority.front() == '[')) throw bad();

  unsigned port = 80;
  if (!after.empty()) {
    const std::string_view digits = after.substr(1);
    if (after.front() != ':' || digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
      throw bad();
    port = static_cast<unsigned>(std::stoul(std::string(digits)));
    if (port < 1 || port > 65535) throw bad();
  }
  target.endpoint = {address, static_cast<unsigned short>(port)};
  return target;
}

std::string errno_text(int error) { return std::strerror(error); }

// Beast reports a stream that ended before (end_of_stream) or inside
// (partial_message) a response with its own codes: those are short reads.
[[noreturn]] void throw_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof)
    throw apb::OpError(apb::cause::short_read,
                       fmt::format("read: {}", ec.message()));
  throw boost::system::system_error(ec, "read");
}

using ResponseParser = http::response_parser<http::string_body>;

// A lane's connection, async form: re-opened after any failure.
struct AsyncConnection {
  apb::io::WatchedSocket conn;
  beast::flat_buffer buffer;  // bytes read beyond the last response
};

// A lane's connection, blocking form: a plain POSIX socket with
// SO_RCVTIMEO/SO_SNDTIMEO (Asio's blocking calls would ignore them).
struct BlockingConnection {
  int fd = -1;
  beast::flat_buffer buffer;  // bytes read beyond the last response
  ~BlockingConnection() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
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
        .params = {{"body",
                    apb::ParamType::bytes,
                    "120B",
                    "response body size of the in-process server",
                    {}},
                   {"server_delay",
                    apb::ParamType::duration,
                    "0",
                    "time the server waits before answering",
                    {}},
                   {"connections",
                    apb::ParamType::integer,
                    "64",
                    "client connections (one request in flight per connection)",
                    {}},
                   {"op_timeout",
                    apb::ParamType::duration,
                    "10s",
                    "an op not answered within this fails as `timeout`",
                    {}},
                   {"target",
                    apb::ParamType::text,
                    "",
                    "http://HOST[:PORT][/PATH] of an external server (empty: "
                    "start one)",
                    {}},
                   {"bind",
                    apb::ParamType::text,
                    "127.0.0.1",
                    "address the in-process server listens on",
                    {}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 2000,
    };
  }

  void setup(const apb::RunSetup& run) override {
    body_ = run.params.bytes("body");
    delay_ = run.params.duration("server_delay");
    timeout_ = run.params.duration("op_timeout");
    const auto connections = run.params.integer("connections");
    if (body_ > max_body_param)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'body': expected 0B..64MiB",
                      apb::format_bytes(static_cast<double>(body_))));
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
      target_ = parse_target(target);
      url_ = target;
    } else {
      boost::system::error_code ec;
      const auto bind = asio::ip::make_address(run.params.text("bind"), ec);
      if (ec)
        throw apb::UsageError(fmt::format(
            "bad value '{}' for parameter 'bind': expected an IP address",
            run.params.text("bind")));
      server_.emplace(bind, static_cast<std::size_t>(body_), delay_);
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
    return connections_;
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
      size = exchange_blocking(conn);
    } catch (...) {
      conn.close();
      throw;
    }
    op.add_digest(apb::mix64(size));
  }

  // With a server delay D, C requests in flight need at least ceil(N / C)
  // delays in sequence; without one there is no model of the network.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    if (delay_ <= nanoseconds::zero() || !server_) return std::nullopt;
    const std::size_t lanes =
        std::max<std::size_t>(std::min(run.concurrency, connections_), 1);
    return duration<double>(delay_).count() *
           static_cast<double>((run.ops + lanes - 1) / lanes);
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
    co_await lane.conn.begin_op(target_.endpoint, timeout_);
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
    co_return check(parser.get());
  }

  std::size_t exchange_blocking(BlockingConnection& conn) {
    if (conn.fd < 0) connect_blocking(conn);
    for (std::size_t sent = 0; sent < request_.size();) {
      const ssize_t n = ::send(conn.fd, request_.data() + sent,
                               request_.size() - sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("send", errno);
      }
      sent += static_cast<std::size_t>(n);
    }
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
      const ssize_t n = ::recv(conn.fd, space.data(), space.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("recv", errno);
      }
      if (n == 0) {
        // A response without a length ends with the connection.
        boost::system::error_code ec = http::error::end_of_stream;
        if (parser.got_some()) parser.put_eof(ec);
        if (ec) throw_read_error(ec);
        break;
      }
      conn.buffer.commit(static_cast<std::size_t>(n));
    }
    if (!parser.keep_alive()) conn.close();  // the server closes it
    return check(parser.get());
  }

  // Status 200 and, from the in-process server, exactly `body` bytes.
  std::size_t check(const http::response<http::string_body>& response) const {
    if (response.result() != http::status::ok) {
      const auto reason = response.reason();
      throw apb::OpError(
          apb::cause::status,
          fmt::format("HTTP {} {}", response.result_int(),
                      std::string_view(reason.data(), reason.size())));
    }
    const std::size_t size = response.body().size();
    if (server_ && size != body_)
      throw apb::OpError(
          apb::cause::mismatch,
          fmt::format("body of {} bytes, expected {}", size, body_));
    return size;
  }

  void connect_blocking(BlockingConnection& conn) {
    conn.buffer.clear();
    conn.fd = ::socket(target_.endpoint.protocol().family(), SOCK_STREAM, 0);
    if (conn.fd < 0) throw_errno("socket", errno);
    const int one = 1;
    ::setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto us = duration_cast<microseconds>(timeout_).count();
    const timeval tv{static_cast<time_t>(us / 1000000),
                     static_cast<suseconds_t>(us % 1000000)};
    ::setsockopt(conn.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(conn.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    // connect() honours SO_SNDTIMEO on Linux, so a silent host times out.
    const tcp::endpoint& e = target_.endpoint;
    if (::connect(conn.fd, e.data(), static_cast<socklen_t>(e.size())) != 0) {
      const int error = errno;
      conn.close();
      if (error == EINPROGRESS || error == EAGAIN)
        throw apb::OpError(apb::cause::timeout, "connect: timed out");
      throw apb::OpError(apb::cause::connect,
                         fmt::format("connect: {}", errno_text(error)));
    }
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

  std::uint64_t body_ = 0;
  nanoseconds delay_{};
  nanoseconds timeout_{};
  std::size_t connections_ = 1;
  Target target_;
  std::string url_;      // for notes
  std::string request_;  // the serialized GET
  std::optional<HttpServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(HttpWorkload);
