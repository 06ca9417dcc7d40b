#pragma once
// What io.tcp_echo and io.http share besides the sockets: the parameters
// `server_delay`, `connections`, `op_timeout` and `bind`, the ideal-time
// model of the server delay, and the in-process server's counter
// (`server_accept_errors`). The servers themselves are public:
// <apbench/loopback_http_server.hpp>, <apbench/loopback_echo_server.hpp>.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

}  // namespace apb::io
