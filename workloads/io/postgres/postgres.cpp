// io.postgres: one op is one query to a real PostgreSQL server, checked.
// Without `target` the server is apbench's own (private_server.hpp: started
// once per process on 127.0.0.1 and a Unix socket, stopped at exit); with
// `target` it is the user's, where apbench creates nothing unless
// `setup=on` (one table in a schema of its own, dropped at the end).
// Queries: `sleep` (SELECT pg_sleep: a wait the server does), `lookup` (a
// primary-key read of a table of `rows` rows) and `aggregate` (a CPU-bound
// sum over `scan` generated rows, inside the server). Each lane leases a
// connection (connection.hpp) from a pool kept across repetitions
// (connection_pool.hpp), so at most `connections` ops are in flight and
// only the warm-up repetition connects.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "apbench/error.hpp"
#include "apbench/op_error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"
#include "apbench/units.hpp"
#include "connection.hpp"
#include "connection_pool.hpp"
#include "pipelined_connection.hpp"
#include "private_server.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;
namespace pg = apb::postgres;

// The lookup table's values: a function of the key the client can check.
std::int64_t lookup_value(std::int64_t id) {
  return (id * 2654435761LL) % 1000000007LL;
}

using AsyncPool = pg::ConnectionPool<pg::AsyncConnection>;
using BlockingPool = pg::ConnectionPool<pg::BlockingConnection>;

class PostgresWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "io.postgres",
        .kind = apb::WorkloadKind::io,
        .description =
            "one query to a real PostgreSQL (a private server on loopback, "
            "or target=): pg_sleep, a primary-key lookup or an aggregate",
        .params =
            {{"query",
              apb::ParamType::choice,
              "sleep",
              "sleep: SELECT pg_sleep(delay); lookup: a primary-key read; "
              "aggregate: a sum over `scan` rows computed by the server",
              {"sleep", "lookup", "aggregate"}},
             {"delay",
              apb::ParamType::duration,
              "100ms",
              "the server's wait per query (query=sleep)",
              {}},
             {"rows",
              apb::ParamType::integer,
              "10000",
              "rows of the lookup table (query=lookup)",
              {}},
             {"scan",
              apb::ParamType::integer,
              "100000",
              "rows the server sums per query (query=aggregate)",
              {}},
             {"protocol",
              apb::ParamType::choice,
              "prepared",
              "prepared: each connection prepares the statement once "
              "(pgbench -M prepared); extended: its text with every query "
              "(PQsendQueryParams, pgbench -M extended)",
              {"prepared", "extended"}},
             {"pipeline",
              apb::ParamType::choice,
              "off",
              "on: libpq's pipeline mode, `connections` connections each "
              "keeping several ops' queries in flight (async form only)",
              {"off", "on"}},
             {"connections",
              apb::ParamType::integer,
              "64",
              "client connections (one query in flight each, or with "
              "pipeline=on as many as the lanes sharing it)",
              {}},
             {"op_timeout",
              apb::ParamType::duration,
              "10s",
              "a query not answered within this fails as `timeout`",
              {}},
             {"target",
              apb::ParamType::text,
              "",
              "your server: postgresql://USER@HOST:PORT/DB or a Unix socket "
              "folder (empty: apbench's private server)",
              {}},
             {"setup",
              apb::ParamType::choice,
              "off",
              "on: create the lookup table on your target, in a schema of "
              "its own, dropped at the end",
              {"off", "on"}},
             {"via",
              apb::ParamType::choice,
              "tcp",
              "how clients reach the private server: tcp (127.0.0.1) or "
              "unix (its socket)",
              {"tcp", "unix"}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 64,
    };
  }

  void setup(const apb::RunSetup& run) override {
    read_params(run.params);
    const std::string target = run.params.text("target");
    if (target.empty()) {
      if (connections_ > 250)
        throw apb::UsageError(fmt::format(
            "bad value '{}' for parameter 'connections': the private server "
            "takes 1..250",
            connections_));
      try {
        server_ = &pg::PrivateServer::shared();
      } catch (const apb::UsageError&) {
        throw;
      } catch (const std::exception& e) {
        throw apb::UsageError(
            fmt::format("io.postgres: the private server: {}", e.what()));
      }
      conninfo_ = run.params.text("via") == "unix" ? server_->unix_conninfo()
                                                   : server_->tcp_conninfo();
      if (query_ == "lookup") table_ = fmt::format("apbench_lookup_{}", rows_);
    } else {
      conninfo_ = conninfo_of(target);
      if (query_ == "lookup" && run.params.text("setup") != "on")
        throw apb::UsageError(
            "io.postgres: query=lookup on your target needs --set setup=on "
            "(one table in a schema of its own, apbench_<pid>, dropped at the "
            "end)");
      if (run.params.text("setup") == "on") {
        schema_ = fmt::format("apbench_{}", ::getpid());
        table_ = fmt::format("{}.apbench_lookup_{}", schema_, rows_);
      }
    }
    try {
      // Reachable before any op counts: a wrong target is one line, not
      // every op failing.
      pg::run_setup_statement(conninfo_, "SELECT 1");
      if (query_ == "lookup") create_table();
      lookup_sql_ =
          fmt::format("SELECT value FROM {} WHERE id = $1::integer", table_);
    } catch (const std::exception& e) {
      throw apb::UsageError(fmt::format(
          "io.postgres: {}{}", e.what(),
          target.empty() ? "" : fmt::format(" (target '{}')", target)));
    }
    if (pipeline_) pipelined_.configure(conninfo_, connections_, op_timeout_);
    if (query_ == "aggregate") {
      expected_sum_ = 0;
      for (std::int64_t g = 1; g <= scan_; ++g)
        expected_sum_ += (g * 7919) % 1000003;
    }
  }

  void teardown() override {
    // The next run may target another server, or this one differently.
    pipelined_.clear();
    async_pool_.clear();
    blocking_pool_.clear();
    if (schema_.empty()) return;
    try {
      pg::run_setup_statement(
          conninfo_, fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_));
    } catch (const std::exception&) {
      // The server is gone: nothing of ours is left on it either way.
    }
    schema_.clear();
  }

  std::optional<FormsAllowed> forms_allowed(
      const apb::Params& params) const override {
    if (params.text("pipeline") != "on") return std::nullopt;
    return FormsAllowed{
        apb::form_async,
        "pipeline=on needs the async form: libpq's pipeline mode keeps "
        "several queries in flight on one connection, a blocking worker "
        "waits for each answer"};
  }

  std::optional<std::size_t> concurrency_limit(
      const apb::RunSetup&) const override {
    if (pipeline_) return std::nullopt;  // connections are shared
    return connections_;
  }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    if (pipeline_) {
      auto& lease = op.lane().state<pg::PipelineLease>();
      const pg::Query query = make_query(op);
      const pg::Result result =
          co_await lease.run(pipelined_, op.lane().index(), query);
      op.add_digest(verify(op, result));
      co_return;
    }
    auto& conn = op.lane().state<AsyncPool::Lease>().from(async_pool_);
    const pg::Query query = make_query(op);
    const pg::Result result = co_await conn.run(conninfo_, query, op_timeout_);
    op.add_digest(verify(op, result));
  }

  void blocking_op(apb::OpContext& op) override {
    auto& conn = op.lane().state<BlockingPool::Lease>().from(blocking_pool_);
    const pg::Result result =
        conn.run(conninfo_, make_query(op), op_timeout_, op.stop_token());
    op.add_digest(verify(op, result));
  }

  // pg_sleep: ceil(ops / in flight) waits one after another; the other
  // queries have no model (the server's own cost).
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    if (query_ != "sleep") return std::nullopt;
    const std::size_t requested =
        run.concurrency == 0 ? run.ops : run.concurrency;
    const std::size_t lanes =
        std::max<std::size_t>(std::min(requested, connections_), 1);
    return duration<double>(delay_).count() *
           static_cast<double>((run.ops + lanes - 1) / lanes);
  }

  // How deep the pipelines ran: queries per batch (one sync and one
  // write each) is pipeline_queries / pipeline_syncs.
  std::map<std::string, std::uint64_t> counters() const override {
    if (!pipeline_) return {};
    return {{"pipeline_syncs", pipelined_.syncs()},
            {"pipeline_queries", pipelined_.queries()}};
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back(
        "server", server_ ? server_->description() : "your server (target=)");
    if (!table_.empty())
      out.emplace_back("table", fmt::format("{} ({} rows)", table_, rows_));
    out.emplace_back(
        "statements",
        fmt::format("{}{}",
                    prepared_ ? "prepared once per connection"
                              : "sent with every query (extended protocol)",
                    pipeline_ ? fmt::format(", pipelined on {} connections",
                                            connections_)
                              : ""));
    return out;
  }

 private:
  void read_params(const apb::Params& params) {
    query_ = params.text("query");
    pipeline_ = params.text("pipeline") == "on";
    prepared_ = params.text("protocol") == "prepared";
    delay_ = params.duration("delay");
    rows_ = params.integer("rows");
    scan_ = params.integer("scan");
    const auto connections = params.integer("connections");
    op_timeout_ = params.duration("op_timeout");
    if (rows_ < 1 || rows_ > 10'000'000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'rows': expected 1..10000000", rows_));
    if (scan_ < 1 || scan_ > 100'000'000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'scan': expected 1..100000000", scan_));
    if (connections < 1 || connections > 10000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'connections': expected 1..10000",
          connections));
    if (op_timeout_ <= nanoseconds::zero())
      throw apb::UsageError(
          "bad value for parameter 'op_timeout': expected more than 0");
    if (delay_ < nanoseconds::zero() || delay_ > hours(1))
      throw apb::UsageError("bad value for parameter 'delay': expected 0..1h");
    connections_ = static_cast<std::size_t>(connections);
    delay_text_ = fmt::format("{:.9f}", duration<double>(delay_).count());
  }

  // A URI or key=value string as it is; a folder: its Unix socket.
  static std::string conninfo_of(const std::string& target) {
    if (target.starts_with("postgresql://") ||
        target.starts_with("postgres://"))
      return target;
    if (target.starts_with("/")) return fmt::format("host={}", target);
    throw apb::UsageError(fmt::format(
        "bad value '{}' for parameter 'target': expected "
        "postgresql://USER@HOST:PORT/DB or the folder of a Unix socket "
        "(e.g. /var/run/postgresql)",
        target));
  }

  void create_table() {
    const std::string create = fmt::format(
        "CREATE TABLE IF NOT EXISTS {} (id integer PRIMARY KEY, "
        "value bigint NOT NULL)",
        table_);
    std::string sql =
        schema_.empty()
            ? ""
            : fmt::format("CREATE SCHEMA IF NOT EXISTS {}; ", schema_);
    // Filled once (a private server keeps it for the process's next runs).
    sql += create + fmt::format(
                        "; INSERT INTO {} SELECT g, (g::bigint * 2654435761) "
                        "% 1000000007 FROM generate_series(1, {}) g "
                        "WHERE NOT EXISTS (SELECT 1 FROM {} LIMIT 1); "
                        "ANALYZE {}",
                        table_, rows_, table_, table_);
    pg::run_setup_statement(conninfo_, sql);
  }

  std::int64_t lookup_key(const apb::OpContext& op) const {
    return 1 + static_cast<std::int64_t>(apb::mix64(op.index()) %
                                         static_cast<std::uint64_t>(rows_));
  }

  pg::Query make_query(const apb::OpContext& op) const {
    if (query_ == "sleep")
      return {"apbench_sleep",
              "SELECT pg_sleep($1::float8)",
              {delay_text_},
              prepared_};
    if (query_ == "lookup")
      return {"apbench_lookup",
              lookup_sql_.c_str(),
              {std::to_string(lookup_key(op))},
              prepared_};
    return {"apbench_aggregate",
            "SELECT sum((g::bigint * 7919) % 1000003) FROM "
            "generate_series(1, $1::integer) g",
            {std::to_string(scan_)},
            prepared_};
  }

  // The answer checked; what the op adds to the run's checksum.
  std::uint64_t verify(const apb::OpContext& op,
                       const pg::Result& result) const {
    if (query_ == "sleep") {
      pg::check(result);
      if (pg::libpq().PQntuples(result.get()) != 1)
        throw apb::OpError(apb::cause::mismatch,
                           fmt::format("pg_sleep: {} rows, expected 1",
                                       pg::libpq().PQntuples(result.get())));
      return apb::mix64(op.index());
    }
    const std::int64_t value = pg::single_integer(result);
    const std::int64_t expected =
        query_ == "lookup" ? lookup_value(lookup_key(op)) : expected_sum_;
    if (value != expected)
      throw apb::OpError(
          apb::cause::mismatch,
          fmt::format("{}: got {}, expected {}", query_, value, expected));
    return static_cast<std::uint64_t>(value) + apb::mix64(op.index());
  }

  std::string query_, delay_text_, conninfo_, table_, schema_;
  std::string lookup_sql_;
  nanoseconds delay_{}, op_timeout_{};
  std::int64_t rows_ = 0, scan_ = 0, expected_sum_ = 0;
  std::size_t connections_ = 1;
  bool prepared_ = true, pipeline_ = false;
  pg::PrivateServer* server_ = nullptr;
  AsyncPool async_pool_;
  pg::PipelinedConnections pipelined_;
  BlockingPool blocking_pool_;
};

}  // namespace

APB_REGISTER_WORKLOAD(PostgresWorkload);
