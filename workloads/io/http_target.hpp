#pragma once
// Where an HTTP client of a workload sends its requests (`target=`), and
// how a read that ended early is reported. Used by io.http and
// hybrid.http_process.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "apbench/asio.hpp"
#include "apbench/error.hpp"
#include "apbench/op_error.hpp"

namespace apb::io {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Where the client sends its requests.
struct Target {
  tcp::endpoint endpoint;
  std::string host;  // the Host header: host[:port] as given
  std::string path;  // the request target, "/" by default
};

// "http://HOST[:PORT][/PATH]" with HOST an IP literal ("[::1]" for IPv6)
// or localhost; PORT defaults to 80 and PATH to "/".
inline Target parse_target(const std::string& text) {
  const auto bad = [&](std::string_view why = {}) {
    return UsageError(fmt::format(
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

// Beast reports a stream that ended before (end_of_stream) or inside
// (partial_message) a response with its own codes: those are short reads.
[[noreturn]] inline void throw_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof)
    throw OpError(cause::short_read, fmt::format("read: {}", ec.message()));
  throw boost::system::system_error(ec, "read");
}

}  // namespace apb::io
