#pragma once
// What io.tcp_echo and io.http share besides the sockets: the parameters
// `server_delay`, `connections`, `op_timeout` and `bind`, the ideal-time
// model of the server delay, and the thread of the in-process server.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/params.hpp"
#include "apbench/workload.hpp"

namespace apb::io {

// The shared parameters, read and checked (the size parameter each
// workload has is checked by the workload, before these).
struct NetParams {
  std::chrono::nanoseconds server_delay{};
  std::chrono::nanoseconds op_timeout{};
  std::size_t connections = 1;

  // Both workloads' parameter list, in --list order: the workload's size
  // parameter, then the shared ones. `op` is what one op is called in the
  // help ("op", "request"); `target_help` says what `target` takes.
  static std::vector<ParamSpec> specs(ParamSpec size, std::string_view op,
                                      std::string target_help) {
    return {std::move(size),
            {"server_delay",
             ParamType::duration,
             "0",
             "time the server waits before answering",
             {}},
            {"connections",
             ParamType::integer,
             "64",
             fmt::format("client connections (one {} in flight per connection)",
                         op),
             {}},
            {"op_timeout",
             ParamType::duration,
             "10s",
             "an op not answered within this fails as `timeout`",
             {}},
            {"target", ParamType::text, "", std::move(target_help), {}},
            {"bind",
             ParamType::text,
             "127.0.0.1",
             "address the in-process server listens on",
             {}}};
  }

  static NetParams read(const Params& params) {
    NetParams net;
    net.server_delay = params.duration("server_delay");
    net.op_timeout = params.duration("op_timeout");
    const auto connections = params.integer("connections");
    if (connections < 1 || connections > 100000)
      throw UsageError(fmt::format(
          "bad value '{}' for parameter 'connections': expected 1..100000",
          connections));
    if (net.op_timeout <= std::chrono::nanoseconds::zero())
      throw UsageError(
          "bad value for parameter 'op_timeout': expected more than 0");
    net.connections = static_cast<std::size_t>(connections);
    return net;
  }

  // With a server delay D, C ops in flight need at least ceil(N / C)
  // delays in sequence; without one there is no model of the network.
  // Only meaningful for the in-process server, whose delay is known.
  std::optional<double> ideal_seconds(const RunSetup& run) const {
    if (server_delay <= std::chrono::nanoseconds::zero()) return std::nullopt;
    const std::size_t lanes =
        std::max<std::size_t>(std::min(run.concurrency, connections), 1);
    return std::chrono::duration<double>(server_delay).count() *
           static_cast<double>((run.ops + lanes - 1) / lanes);
  }
};

// The `bind` parameter: where the in-process server listens.
inline asio::ip::address parse_bind(const std::string& text) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(text, ec);
  if (ec)
    throw UsageError(fmt::format(
        "bad value '{}' for parameter 'bind': expected an IP address", text));
  return address;
}

// An in-process server's io_context, listener (ephemeral port) and thread.
// Declare it as the server's last member: it is then destroyed first, so
// the thread has stopped before the members its sessions use go away.
class ServerThread {
 public:
  using tcp = asio::ip::tcp;
  using Session = std::function<asio::awaitable<void>(tcp::socket)>;

  explicit ServerThread(const asio::ip::address& bind)
      : acceptor_(ioc_, tcp::endpoint(bind, 0)) {}
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ~ServerThread() {
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Runs `session` for every accepted connection, on the thread.
  void start(Session session) {
    session_ = std::move(session);
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(ioc_, session_(std::move(socket)), asio::detached);
    }
  }

  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  Session session_;
  std::thread thread_;
};

}  // namespace apb::io
