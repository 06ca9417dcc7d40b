#include "apbench/loopback_http_server.hpp"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <utility>

#include "loopback/server_thread.hpp"

namespace apb {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

Response make_response(http::status status, std::string body, bool keep_alive) {
  Response res{status, 11};
  res.set(http::field::server, "apbench");
  res.set(http::field::content_type, "application/octet-stream");
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace

struct LoopbackHttpServer::Impl {
  explicit Impl(Options options)
      : delay(options.delay),
        post_delay(options.post_delay),
        body_size(options.body.empty() ? options.body_bytes
                                       : options.body.size()),
        thread(options.bind, std::move(options.failure)) {
    const std::string payload = options.body.empty()
                                    ? std::string(options.body_bytes, 'x')
                                    : std::move(options.body);
    for (bool keep_alive : {false, true}) {
      ok[keep_alive] = make_response(http::status::ok, payload, keep_alive);
      not_found[keep_alive] =
          make_response(http::status::not_found, "not found\n", keep_alive);
    }
    thread.start(
        [this](tcp::socket socket) { return session(std::move(socket)); });
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    try {
      for (;;) {
        http::request<http::string_body> request;
        co_await http::async_read(socket, buffer, request, asio::use_awaitable);
        // Counted before the answer is sent: a client that has it sees it.
        requests.fetch_add(1, std::memory_order_relaxed);
        const bool keep_alive = request.keep_alive();
        const bool post = request.method() == http::verb::post;
        if (const auto wait = post ? post_delay : delay;
            wait > std::chrono::nanoseconds::zero()) {
          timer.expires_after(wait);
          co_await timer.async_wait(asio::use_awaitable);
        }
        if (post && request.target() == "/") {
          // What was received, so the client can check it all arrived.
          co_await http::async_write(
              socket,
              make_response(http::status::ok,
                            std::to_string(request.body().size()), keep_alive),
              asio::use_awaitable);
          if (!keep_alive) break;
          continue;
        }
        const bool found =
            request.method() == http::verb::get && request.target() == "/";
        // The responses are built once and only read here (the const
        // overload of async_write serializes without changing them).
        const Response& response =
            found ? ok[keep_alive] : not_found[keep_alive];
        co_await http::async_write(socket, response, asio::use_awaitable);
        if (!keep_alive) break;
      }
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    } catch (const std::exception&) {
      // The client closed or reset the connection: the session ends.
    }
  }

  std::chrono::nanoseconds delay, post_delay;
  std::size_t body_size;
  Response ok[2];         // [keep_alive]
  Response not_found[2];  // [keep_alive]
  std::atomic<std::uint64_t> requests{0};
  loopback::ServerThread thread;  // last: stops before the above go away
};

LoopbackHttpServer::LoopbackHttpServer(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

LoopbackHttpServer::~LoopbackHttpServer() = default;

void LoopbackHttpServer::stop() { impl_->thread.stop(); }

tcp::endpoint LoopbackHttpServer::endpoint() const {
  return impl_->thread.endpoint();
}

std::string LoopbackHttpServer::host() const {
  const auto e = endpoint();
  const auto address = e.address().to_string();
  return e.address().is_v6() ? fmt::format("[{}]:{}", address, e.port())
                             : fmt::format("{}:{}", address, e.port());
}

std::string LoopbackHttpServer::url() const {
  return fmt::format("http://{}/", host());
}

std::size_t LoopbackHttpServer::body_size() const { return impl_->body_size; }

std::uint64_t LoopbackHttpServer::requests() const {
  return impl_->requests.load(std::memory_order_relaxed);
}

std::uint64_t LoopbackHttpServer::accept_errors() const {
  return impl_->thread.accept_errors();
}

}  // namespace apb
