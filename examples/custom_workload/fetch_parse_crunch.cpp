// example.fetch_parse_crunch: a pipeline whose ops carry data of their own
// (docs/extending.md). Each op fetches a JSON array of `records` numbers
// over HTTP from apbench's loopback server, parses it (CPU work that cannot
// be split), crunches the records it picked (CPU work split over the cores,
// a different number for each op), and the op-finished hook checks the
// result.
#include <fmt/format.h>

#include <apbench/apbench.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = apb::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// One op's state, shared by its stages: created when the op starts,
// destroyed when it ends, whichever threads run its stages.
struct Fetched {
  std::string body;                    // fetch: the HTTP response's body
  std::vector<std::uint64_t> records;  // parse: the numbers in it
  std::size_t picked = 0;              // parse: how many this op crunches
};

class FetchParseCrunch final : public apb::PipelineWorkload<Fetched> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "example.fetch_parse_crunch",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "fetch a JSON array over loopback HTTP, parse it, "
            "crunch the records each op picks",
        .params = {{"records",
                    apb::ParamType::integer,
                    "20000",
                    "numbers in the fetched document (1..1000000)",
                    {}},
                   {"rounds",
                    apb::ParamType::integer,
                    "100",
                    "hash rounds per crunched record",
                    {}},
                   {"delay",
                    apb::ParamType::duration,
                    "2ms",
                    "the server's wait before each answer",
                    {}}},
        .forms = apb::form_async | apb::form_blocking | apb::form_pipeline,
        .default_ops = 16,
        .default_concurrency = 4,
    };
  }

  // The document, what each count of records crunches to (the hook's
  // oracle), and the server, started for this run.
  void setup(const apb::RunSetup& run) override {
    const auto records = run.params.integer("records");
    if (records < 1 || records > 1000000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'records': expected 1..1000000",
          records));
    rounds_ = static_cast<int>(run.params.integer("rounds"));
    delay_ = run.params.duration("delay");
    std::string document = "[";
    expected_.assign(1, 0);
    for (std::int64_t i = 0; i < records; ++i) {
      const std::uint64_t value =
          apb::mix64(run.seed + static_cast<std::uint64_t>(i)) % 1000000;
      document += fmt::format("{}{}", i ? "," : "", value);
      expected_.push_back(expected_.back() + crunch(value));
    }
    document += "]";
    server_.emplace(apb::LoopbackHttpServer::Options{
        .body = std::move(document), .delay = delay_, .failure = run.failure});
    request_ =
        fmt::format("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server_->host());
  }
  void teardown() override { server_.reset(); }  // stops the server

  // fetch waits for the server; parse cannot be split; crunch can. The
  // CPU stages' costs are not modelled (0): the ideal is the waits alone.
  std::vector<apb::Stage> stages() const override {
    return {{"fetch", apb::StageKind::io,
             std::chrono::duration<double>(delay_).count()},
            {"parse", apb::StageKind::cpu_whole, 0},
            {"crunch", apb::StageKind::cpu, 0}};
  }

  // The fetch, as a coroutine and as a blocking call: one GET on a new
  // connection; the body goes into this op's state.
  asio::awaitable<void> async_io(apb::OpContext&, Fetched& state,
                                 std::size_t) override {
    tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(server_->endpoint(), asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(request_),
                               asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    co_await http::async_read(socket, buffer, response, asio::use_awaitable);
    state.body = checked_body(std::move(response));
  }
  void blocking_io(apb::OpContext&, Fetched& state, std::size_t) override {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(server_->endpoint());
    asio::write(socket, asio::buffer(request_));
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    state.body = checked_body(std::move(response));
  }

  // The parse: one piece, on one thread (hybrid offloads it whole). The op
  // picks how many records it crunches from its seed.
  std::uint64_t cpu_whole(apb::OpContext& op, Fetched& state,
                          std::size_t) override {
    const char* at = state.body.data() + 1;  // past '['
    const char* end = state.body.data() + state.body.size();
    while (at < end && *at != ']') {
      std::uint64_t value = 0;
      const auto [next, error] = std::from_chars(at, end, value);
      if (error != std::errc())
        throw apb::OpError(apb::cause::mismatch, "not a JSON array of numbers");
      state.records.push_back(value);
      at = next + (next < end && *next == ',');
    }
    state.body = {};  // parsed: released now, not at the end of the op
    state.picked = 1 + op.seed() % state.records.size();
    return state.records.size();
  }

  // The crunch: this op's picked records, split as the strategy decides.
  std::size_t cpu_items(const apb::OpContext&, const Fetched& state,
                        std::size_t) const override {
    return state.picked;
  }
  std::uint64_t cpu_kernel(const apb::OpContext&, const Fetched& state,
                           std::size_t, apb::IndexRange range) override {
    std::uint64_t sum = 0;
    for (std::size_t i = range.begin; i < range.end; ++i)
      sum += crunch(state.records[i]);
    return sum;
  }

  // After the last stage, untimed: the digest must be what set-up computed
  // for this many records (plus the parse's count), or the op fails.
  void op_finished(apb::OpContext& op, Fetched& state) override {
    if (op.digest() != state.records.size() + expected_[state.picked])
      throw apb::OpError(
          apb::cause::mismatch,
          fmt::format("wrong digest for {} records", state.picked));
  }

 private:
  std::uint64_t crunch(std::uint64_t value) const {
    for (int round = 0; round < rounds_; ++round) value = apb::mix64(value);
    return value;
  }
  static std::string checked_body(http::response<http::string_body> response) {
    if (response.result() != http::status::ok)
      throw apb::OpError(apb::cause::status,
                         fmt::format("HTTP {}", response.result_int()));
    return std::move(response.body());
  }

  int rounds_ = 0;
  std::chrono::nanoseconds delay_{};
  std::vector<std::uint64_t> expected_;  // [k]: the first k records crunched
  std::string request_;                  // the GET, the same for every op
  std::optional<apb::LoopbackHttpServer> server_;
};

}  // namespace

APB_REGISTER_WORKLOAD(FetchParseCrunch);
