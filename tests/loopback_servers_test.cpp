// The public loopback servers (<apbench/loopback_http_server.hpp>,
// <apbench/loopback_echo_server.hpp>): they start listening on 127.0.0.1
// only, serve what they were given, and stop, closing their listener and
// connections and leaving no thread behind.
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "apbench/loopback_echo_server.hpp"
#include "apbench/loopback_http_server.hpp"
#include "test_workloads.hpp"

namespace apb::loopback_test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

http::response<http::string_body> get(tcp::socket& socket,
                                      const std::string& target,
                                      const std::string& host) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.keep_alive(true);
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

// Whether a new connection to `endpoint` is accepted.
bool accepts(const tcp::endpoint& endpoint) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(endpoint, ec);
  return !ec;
}

// An IPv4 address of this host that is not a loopback one, if it has any.
std::optional<asio::ip::address> outside_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<asio::ip::address> found;
  for (ifaddrs* i = list; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    const asio::ip::address_v4 address(ntohl(in->sin_addr.s_addr));
    if (!address.is_loopback()) found = address;
  }
  freeifaddrs(list);
  return found;
}

// Listening on 127.0.0.1 only: no connection through another address of
// this host (when it has one).
void expect_loopback_only(const tcp::endpoint& endpoint) {
  EXPECT_EQ(endpoint.address(), asio::ip::make_address("127.0.0.1"));
  if (const auto outside = outside_address()) {
    EXPECT_FALSE(accepts({*outside, endpoint.port()})) << *outside;
  }
}

// The process's threads once a server has come and gone: runtimes (a
// sanitizer's background thread) start lazily, on the first thread made.
std::size_t threads_at_rest() {
  LoopbackEchoServer warm_up(LoopbackEchoServer::Options{});
  warm_up.stop();
  return testing::directory_entries("/proc/self/task");
}

// No more threads than `before`: the server's own is gone. Earlier tests'
// oneTBB workers may still be on their way out, so the count may fall, and
// is read again for up to 2 s before failing.
void expect_no_more_threads_than(std::size_t before) {
  std::size_t now = testing::directory_entries("/proc/self/task");
  for (int i = 0; i < 200 && now > before; ++i) {
    std::this_thread::sleep_for(10ms);
    now = testing::directory_entries("/proc/self/task");
  }
  EXPECT_LE(now, before);
}

TEST(LoopbackHttpServer, ServesItsBodyAfterItsDelayOn127001AndStops) {
  const std::size_t threads = threads_at_rest();
  std::string document = "[1,2,3]";
  LoopbackHttpServer server(
      LoopbackHttpServer::Options{.body = document, .delay = 30ms});
  const tcp::endpoint endpoint = server.endpoint();
  expect_loopback_only(endpoint);
  EXPECT_NE(endpoint.port(), 0);
  EXPECT_EQ(server.host(), "127.0.0.1:" + std::to_string(endpoint.port()));
  EXPECT_EQ(server.url(), "http://" + server.host() + "/");
  EXPECT_EQ(server.body_size(), document.size());

  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(endpoint);
  const auto start = std::chrono::steady_clock::now();
  auto ok = get(socket, "/", server.host());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(ok.body(), document);
  EXPECT_GE(took, 30ms);  // the server's delay, never less
  // The same connection, kept alive: anything but GET / is a 404.
  auto missing = get(socket, "/elsewhere", server.host());
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(server.requests(), 2u);
  EXPECT_EQ(server.accept_errors(), 0u);

  server.stop();
  server.stop();  // idempotent
  // The open connection was closed, the listener too, the thread joined.
  beast::flat_buffer buffer;
  http::response<http::string_body> after;
  boost::system::error_code ec;
  http::write(socket, http::request<http::empty_body>{http::verb::get, "/", 11},
              ec);
  if (!ec) http::read(socket, buffer, after, ec);
  EXPECT_TRUE(ec) << "a stopped server answered";
  EXPECT_FALSE(accepts(endpoint));
  expect_no_more_threads_than(threads);
}

TEST(LoopbackHttpServer, BodyOfGivenSizeWhenNoBodyIsGiven) {
  LoopbackHttpServer server(LoopbackHttpServer::Options{.body_bytes = 70000});
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(server.endpoint());
  const auto response = get(socket, "/", server.host());
  EXPECT_EQ(response.body(), std::string(70000, 'x'));
  EXPECT_EQ(server.body_size(), 70000u);
}

// POST / answers with how many bytes arrived, after its own delay.
TEST(LoopbackHttpServer, PostAnswersWithTheBytesReceivedAfterThePostDelay) {
  LoopbackHttpServer server(
      LoopbackHttpServer::Options{.delay = 0ms, .post_delay = 30ms});
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(server.endpoint());
  http::request<http::string_body> request{http::verb::post, "/", 11};
  request.set(http::field::host, server.host());
  request.body() = std::string(1234, 'p');
  request.keep_alive(true);
  request.prepare_payload();
  const auto start = std::chrono::steady_clock::now();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "1234");
  // A GET on the same connection has no delay of its own here.
  EXPECT_EQ(get(socket, "/", server.host()).result_int(), 200u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(LoopbackEchoServer, EchoesEachMessageOn127001AndStops) {
  const std::size_t threads = threads_at_rest();
  LoopbackEchoServer server(
      LoopbackEchoServer::Options{.message_bytes = 5000, .delay = 20ms});
  const tcp::endpoint endpoint = server.endpoint();
  expect_loopback_only(endpoint);

  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(endpoint);
  for (char fill : {'a', 'b'}) {
    std::vector<char> sent(5000, fill), received(5000);
    sent[17] = '!';
    const auto start = std::chrono::steady_clock::now();
    asio::write(socket, asio::buffer(sent));
    asio::read(socket, asio::buffer(received));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
    EXPECT_EQ(received, sent);
  }
  EXPECT_EQ(server.messages(), 2u);

  server.stop();
  std::vector<char> byte(1);
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(std::vector<char>(5000, 'c')), ec);
  if (!ec) asio::read(socket, asio::buffer(byte), ec);
  EXPECT_TRUE(ec) << "a stopped server echoed";
  EXPECT_FALSE(accepts(endpoint));
  expect_no_more_threads_than(threads);
}

}  // namespace
}  // namespace apb::loopback_test
