#include "apbench/loopback_echo_server.hpp"

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <utility>
#include <vector>

#include "loopback/server_thread.hpp"

namespace apb {

struct LoopbackEchoServer::Impl {
  explicit Impl(Options options)
      : message_bytes(options.message_bytes),
        delay(options.delay),
        thread(options.bind, std::move(options.failure)) {
    thread.start([this](asio::ip::tcp::socket socket) {
      return session(std::move(socket));
    });
  }

  asio::awaitable<void> session(asio::ip::tcp::socket socket) {
    std::vector<char> buffer(message_bytes);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    try {
      for (;;) {
        co_await asio::async_read(socket, asio::buffer(buffer),
                                  asio::use_awaitable);
        // Counted before the echo is sent: a client that has it sees it.
        messages.fetch_add(1, std::memory_order_relaxed);
        if (delay > std::chrono::nanoseconds::zero()) {
          timer.expires_after(delay);
          co_await timer.async_wait(asio::use_awaitable);
        }
        co_await asio::async_write(socket, asio::buffer(buffer),
                                   asio::use_awaitable);
      }
    } catch (const std::exception&) {
      // The client closed or reset the connection: the session ends.
    }
  }

  std::size_t message_bytes;
  std::chrono::nanoseconds delay;
  std::atomic<std::uint64_t> messages{0};
  loopback::ServerThread thread;  // last: stops before the above go away
};

LoopbackEchoServer::LoopbackEchoServer(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

LoopbackEchoServer::~LoopbackEchoServer() = default;

void LoopbackEchoServer::stop() { impl_->thread.stop(); }

asio::ip::tcp::endpoint LoopbackEchoServer::endpoint() const {
  return impl_->thread.endpoint();
}

std::uint64_t LoopbackEchoServer::messages() const {
  return impl_->messages.load(std::memory_order_relaxed);
}

std::uint64_t LoopbackEchoServer::accept_errors() const {
  return impl_->thread.accept_errors();
}

}  // namespace apb
