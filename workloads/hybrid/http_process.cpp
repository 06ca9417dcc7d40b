// hybrid.http_process: hybrid.fetch_process with real I/O. Each op fetches
// `body` bytes with an HTTP GET (from apbench's loopback server, which
// answers after `server_delay`, or from `target`), processes the bytes it
// received (hashes them in 4 KiB chunks, `rounds` rounds per 8-byte word:
// CPU work over real data, split across cores by the strategies that
// split), and responds with an HTTP POST of its digest (the loopback server
// answers after `respond_delay` with the number of bytes it received). The
// op-finished hook checks the digest against the body's, computed at
// set-up. Each lane keeps one kept-alive connection (under tbb-pipeline an
// op has a lane of its own, so a connection per op).
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "../io/http_target.hpp"
#include "apbench/error.hpp"
#include "apbench/loopback_http_server.hpp"
#include "apbench/op_error.hpp"
#include "apbench/pipeline.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kChunk = 4096;  // bytes per piece of the processing
constexpr std::uint64_t kMaxBody = std::uint64_t{64} << 20;

// One op's data: the fetched body, then its digest (posted back).
struct Exchange {
  std::string body;
  std::string posted;  // the digest, as sent in the POST
};

// A lane's kept-alive connection, for either form: the async form's
// socket on the op's executor, the blocking form's on a private context.
struct AsyncLink {
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;
};
struct BlockingLink {
  asio::io_context context;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;
};

class HttpProcessWorkload final : public apb::PipelineWorkload<Exchange> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "hybrid.http_process",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "hybrid.fetch_process over real HTTP: GET `body` bytes, hash "
            "them (CPU, splittable), POST the digest",
        .params = {{"body",
                    apb::ParamType::bytes,
                    "256KiB",
                    "bytes each op fetches (1B..64MiB; the loopback server's)",
                    {}},
                   {"rounds",
                    apb::ParamType::integer,
                    "160",
                    "hash rounds per 8-byte word of the body (the processing "
                    "cost)",
                    {}},
                   {"server_delay",
                    apb::ParamType::duration,
                    "20ms",
                    "the loopback server's wait before answering the GET",
                    {}},
                   {"respond_delay",
                    apb::ParamType::duration,
                    "5ms",
                    "the loopback server's wait before answering the POST",
                    {}},
                   {"target",
                    apb::ParamType::text,
                    "",
                    "http://HOST[:PORT][/PATH] of your server, which must "
                    "answer GET and POST on PATH with 2xx (empty: apbench's "
                    "loopback server)",
                    {}}},
        .forms = apb::form_async | apb::form_blocking | apb::form_pipeline,
        .default_ops = 16,
        // As hybrid.fetch_process: fewer requests in flight than cores.
        .default_concurrency = 2,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto body = run.params.bytes("body");
    const auto rounds = run.params.integer("rounds");
    if (body < 1 || body > kMaxBody)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'body': expected 1B..64MiB",
                      apb::format_bytes(static_cast<double>(body))));
    if (rounds < 0 || rounds > 1'000'000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'rounds': expected 0..1000000",
          rounds));
    rounds_ = static_cast<int>(rounds);
    server_delay_ = run.params.duration("server_delay");
    respond_delay_ = run.params.duration("respond_delay");
    const std::string target = run.params.text("target");
    std::string document;
    if (target.empty()) {
      // Seeded bytes: the same body, and so digest, for every strategy.
      document.resize(static_cast<std::size_t>(body));
      for (std::size_t i = 0; i < document.size(); ++i)
        document[i] =
            static_cast<char>(apb::mix64(run.seed + i / 8) >> (8 * (i % 8)));
      server_.emplace(
          apb::LoopbackHttpServer::Options{.body = document,
                                           .delay = server_delay_,
                                           .post_delay = respond_delay_,
                                           .failure = run.failure});
      target_ = apb::io::parse_target(server_->url());
    } else {
      target_ = apb::io::parse_target(target);
    }
    if (target.empty())
      expected_digest_ = hash_chunks(document, 0, chunks_of(document));
    process_seconds_ = processing_cost(static_cast<std::size_t>(body));
  }

  void teardown() override { server_.reset(); }

  std::vector<apb::Stage> stages() const override {
    auto s = [](nanoseconds d) { return duration<double>(d).count(); };
    return {{"fetch", apb::StageKind::io, server_ ? s(server_delay_) : 0},
            {"process", apb::StageKind::cpu, process_seconds_},
            {"respond", apb::StageKind::io, server_ ? s(respond_delay_) : 0}};
  }

  asio::awaitable<void> async_io(apb::OpContext& op, Exchange& state,
                                 std::size_t stage) override {
    auto& link = op.lane().state<AsyncLink>();
    try {
      if (!link.socket) {
        link.socket.emplace(co_await asio::this_coro::executor);
        co_await link.socket->async_connect(target_.endpoint,
                                            asio::use_awaitable);
        link.socket->set_option(tcp::no_delay(true));
      }
      auto request = make_request(op, state, stage);
      co_await http::async_write(*link.socket, request, asio::use_awaitable);
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      boost::system::error_code ec;
      co_await http::async_read(*link.socket, link.buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) apb::io::throw_read_error(ec);
      const bool keep_alive = parser.keep_alive();
      take(state, stage, parser.release());
      if (!keep_alive) link.socket.reset();
    } catch (...) {
      link.socket.reset();  // a failed exchange breaks the connection
      link.buffer.clear();
      throw;
    }
  }

  void blocking_io(apb::OpContext& op, Exchange& state,
                   std::size_t stage) override {
    auto& link = op.lane().state<BlockingLink>();
    try {
      if (!link.socket) {
        link.socket.emplace(link.context);
        link.socket->connect(target_.endpoint);
        link.socket->set_option(tcp::no_delay(true));
      }
      http::write(*link.socket, make_request(op, state, stage));
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      boost::system::error_code ec;
      http::read(*link.socket, link.buffer, parser, ec);
      if (ec) apb::io::throw_read_error(ec);
      const bool keep_alive = parser.keep_alive();
      take(state, stage, parser.release());
      if (!keep_alive) link.socket.reset();
    } catch (...) {
      link.socket.reset();
      link.buffer.clear();
      throw;
    }
  }

  // The processing: the body's 4 KiB chunks, split as the strategy decides.
  std::size_t cpu_items(const apb::OpContext&, const Exchange& state,
                        std::size_t) const override {
    return chunks_of(state.body);
  }
  std::uint64_t cpu_kernel(const apb::OpContext&, const Exchange& state,
                           std::size_t, apb::IndexRange range) override {
    return hash_chunks(state.body, range.begin, range.end);
  }

  // Untimed: the digest posted is the body's (with the loopback server,
  // whose body is known).
  void op_finished(apb::OpContext& op, Exchange&) override {
    if (server_ && op.digest() != expected_digest_)
      throw apb::OpError(apb::cause::mismatch,
                         "the processed digest differs from the body's");
  }

  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    if (!server_) return std::nullopt;  // a target's waits are unknown
    return PipelineWorkload::ideal_seconds(run);
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"server", server_ ? fmt::format("in-process Beast server on "
                                         "127.0.0.1 (one thread): GET answers "
                                         "{}, POST the bytes received",
                                         apb::format_bytes(static_cast<double>(
                                             server_->body_size())))
                           : fmt::format("external, {}", target_.host)},
        {"processing",
         fmt::format("{} per op on one core (measured once, best of 3)",
                     apb::format_duration(process_seconds_))}};
  }

 private:
  // The processing's cost on one core for `bytes` bytes at rounds_, the
  // CPU stage's cost in the ideal: measured once per process (best of 3),
  // so every strategy of a comparison has the same ideal.
  double processing_cost(std::size_t bytes) const {
    static std::mutex mutex;
    static std::map<std::pair<std::size_t, int>, double> measured;
    const std::lock_guard lock(mutex);
    const auto key = std::make_pair(bytes, rounds_);
    if (const auto it = measured.find(key); it != measured.end())
      return it->second;
    const std::string sample(bytes, 'x');
    double best = 0;
    for (int i = 0; i < 3; ++i) {
      const auto start = steady_clock::now();
      const std::uint64_t digest = hash_chunks(sample, 0, chunks_of(sample));
      const double took = duration<double>(steady_clock::now() - start).count();
      if (i == 0 || took < best) best = took;
      if (digest == 1) best += 0;  // keeps the work from being optimised out
    }
    return measured[key] = best;
  }

  static std::size_t chunks_of(const std::string& body) {
    return (body.size() + kChunk - 1) / kChunk;
  }

  // Chunks [first, last) of `body`: each chunk's words mixed `rounds_`
  // times, chunk digests added (so any split gives one sum).
  std::uint64_t hash_chunks(const std::string& body, std::size_t first,
                            std::size_t last) const {
    std::uint64_t sum = 0;
    for (std::size_t c = first; c < last; ++c) {
      const std::size_t begin = c * kChunk;
      const std::size_t end = std::min(body.size(), begin + kChunk);
      std::uint64_t h = c;
      for (std::size_t i = begin; i < end; i += 8) {
        std::uint64_t word = 0;
        for (std::size_t b = i; b < std::min(end, i + 8); ++b)
          word = (word << 8) | static_cast<unsigned char>(body[b]);
        for (int r = 0; r < rounds_; ++r) word = apb::mix64(word);
        h = apb::mix64(h ^ word);
      }
      sum += h;
    }
    return sum;
  }

  // Stage 0 GETs the body; stage 2 POSTs the digest of what it processed.
  http::request<http::string_body> make_request(const apb::OpContext& op,
                                                Exchange& state,
                                                std::size_t stage) const {
    http::request<http::string_body> request{
        stage == 0 ? http::verb::get : http::verb::post, target_.path, 11};
    request.set(http::field::host, target_.host);
    request.keep_alive(true);
    if (stage != 0) {
      state.posted = fmt::format("{:016x}", op.digest());
      request.body() = state.posted;
    }
    request.prepare_payload();
    return request;
  }

  // The answer of stage `stage`: the body to process, or the POST's
  // receipt (the loopback server answers with the bytes it received).
  void take(Exchange& state, std::size_t stage,
            http::response<http::string_body> response) const {
    if (response.result_int() < 200 || response.result_int() > 299)
      throw apb::OpError(apb::cause::status,
                         fmt::format("HTTP {} {}", response.result_int(),
                                     std::string(response.reason())));
    if (stage == 0) {
      state.body = std::move(response.body());
      if (server_ && state.body.size() != server_->body_size())
        throw apb::OpError(apb::cause::mismatch,
                           fmt::format("got {} of {} bytes", state.body.size(),
                                       server_->body_size()));
      return;
    }
    state.body = {};  // processed and posted: released now
    if (server_ && response.body() != std::to_string(state.posted.size()))
      throw apb::OpError(apb::cause::mismatch,
                         fmt::format("the server received '{}' bytes of {}",
                                     response.body(), state.posted.size()));
  }

  int rounds_ = 0;
  nanoseconds server_delay_{}, respond_delay_{};
  double process_seconds_ = 0;
  std::uint64_t expected_digest_ = 0;
  apb::io::Target target_;
  std::optional<apb::LoopbackHttpServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(HttpProcessWorkload);
