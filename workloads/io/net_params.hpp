#pragma once
// What io.tcp_echo and io.http share besides the sockets: the parameters
// `server_delay`, `connections`, `op_timeout` and `bind`, the ideal-time
// model of the server delay, the thread of the in-process server, and its
// counter (`server_accept_errors`).
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/params.hpp"
#include "apbench/run_failure.hpp"
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

  // The connections a run opens must fit under the open-file limit
  // (ulimit -n) beside what is open already: one descriptor each, two with
  // the in-process server (its end too), and room for the rest. Checked up
  // front, so a run does not fail op by op with EMFILE.
  void check_descriptors(const RunSetup& run, bool in_process) const {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 ||
        limit.rlim_cur == RLIM_INFINITY)
      return;
    const std::size_t in_flight = run.concurrency == 0
                                      ? std::max<std::size_t>(run.ops, 1)
                                      : run.concurrency;
    const std::size_t used = std::min(connections, in_flight);
    const std::size_t per = in_process ? 2 : 1;
    std::size_t open_now = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
         !ec && it != end; it.increment(ec))
      ++open_now;
    const std::size_t need = used * per + open_now + 64;
    if (need <= limit.rlim_cur) return;
    const std::size_t fit = limit.rlim_cur > open_now + 64
                                ? (limit.rlim_cur - open_now - 64) / per
                                : 0;
    const std::string head = fmt::format(
        "bad value '{}' for parameter 'connections': {} connections need "
        "about {} file descriptors ({} each{}, {} open already, 64 to "
        "spare) but the open-file limit (ulimit -n) is {}",
        connections, used, need, per,
        in_process ? " with the in-process server" : "", open_now,
        limit.rlim_cur);
    // No connection fits: no value of the parameter helps, only the limit.
    if (fit == 0)
      throw UsageError(fmt::format(
          "{}, which leaves none for connections: raise it (ulimit -n {} or "
          "more; the hard limit is {})",
          head, need,
          limit.rlim_max == RLIM_INFINITY ? std::string("unlimited")
                                          : std::to_string(limit.rlim_max)));
    throw UsageError(
        fmt::format("{}; expected 1..{}, or raise ulimit -n", head, fit));
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

// The `bind` parameter: where the in-process server listens, an address
// of this host (tried with a bind to a free port).
inline asio::ip::address parse_bind(const std::string& text) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(text, ec);
  if (ec)
    throw UsageError(fmt::format(
        "bad value '{}' for parameter 'bind': expected an IP address", text));
  asio::io_context ioc;
  asio::ip::tcp::acceptor probe(ioc);
  const asio::ip::tcp::endpoint endpoint(address, 0);
  probe.open(endpoint.protocol(), ec);
  if (!ec) probe.bind(endpoint, ec);
  if (ec == boost::system::errc::address_not_available ||
      ec == asio::error::address_family_not_supported)
    throw UsageError(fmt::format(
        "bad value '{}' for parameter 'bind': not an address of this host "
        "(e.g. 127.0.0.1)",
        text));
  return address;
}

// The counter (Workload::counters) of accepts the in-process server saw
// fail: each one retried after a short back-off, but a last one that ended
// the server (and failed the run).
inline constexpr const char* kAcceptErrorsCounter = "server_accept_errors";

// An in-process server's io_context, listener (ephemeral port) and thread.
// Declare it as the server's last member: it is then destroyed first, so
// the thread has stopped before the members its sessions use go away.
class ServerThread {
 public:
  using tcp = asio::ip::tcp;
  using Session = std::function<asio::awaitable<void>(tcp::socket)>;

  // `failure` hears of an accept error the server cannot go on after.
  ServerThread(const asio::ip::address& bind,
               std::shared_ptr<RunFailure> failure)
      : acceptor_(ioc_, tcp::endpoint(bind, 0)), failure_(std::move(failure)) {}
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ~ServerThread() {
    stopping_.store(true, std::memory_order_relaxed);
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
  // Accepts that failed so far (each retried, but the last one when the
  // server could not go on).
  std::uint64_t accept_errors() const {
    return accept_errors_.load(std::memory_order_relaxed);
  }

  // An accept error the server goes on after: out of descriptors, buffers
  // or memory (the clients' own failures free some), or a connection that
  // failed before it was accepted (accept(2) reports the network errors of
  // a pending connection as its own).
  static bool transient(const boost::system::error_code& ec) {
    if (ec.category() != boost::system::system_category()) return false;
    switch (ec.value()) {
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
      case ECONNABORTED:
      case EPROTO:
      case EPERM:  // a firewall rule refused this connection
      case ENOPROTOOPT:
      case ENETDOWN:
      case ENETUNREACH:
      case EHOSTDOWN:
      case EHOSTUNREACH:
      case ENONET:
      case EOPNOTSUPP:
        return true;
      default:
        return false;
    }
  }

 private:
  // Accepts until the io_context stops. A transient error is counted,
  // backed off a little and retried, instead of ending the loop and leaving
  // every later connection in the listen queue. Any other error (the
  // listener was closed or shut down under it) ends the server: the run
  // fails with the reason at once rather than its ops timing out.
  asio::awaitable<void> accept_loop() {
    asio::steady_timer back_off(ioc_);
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(
          asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_.load(std::memory_order_relaxed)) co_return;
      if (ec) {
        accept_errors_.fetch_add(1, std::memory_order_relaxed);
        if (!transient(ec)) {
          failure_->fail(fmt::format("in-process server stopped: accept: {}",
                                     ec.message()));
          co_return;
        }
        back_off.expires_after(std::chrono::milliseconds(10));
        co_await back_off.async_wait(
            asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ioc_, session_(std::move(socket)), asio::detached);
    }
  }

  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::shared_ptr<RunFailure> failure_;
  Session session_;
  std::atomic<std::uint64_t> accept_errors_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace apb::io
