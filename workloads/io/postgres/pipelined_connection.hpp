#pragma once
// io.postgres with pipeline=on: libpq's pipeline mode, so that one
// connection keeps the queries of several ops in flight and `connections`
// connections serve any number of ops at once.
//
// Each op sends its query (PQsendQueryPrepared or PQsendQueryParams; the
// statement's PQsendPrepare goes ahead of it on the connection's first use)
// and waits for its own result. The queries sent in one turn of the event
// loop share one PQpipelineSync and one write; a reader coroutine, alive
// while results are due, hands each op its result in the order sent
// (PQconsumeInput / PQisBusy / PQgetResult, PGRES_PIPELINE_SYNC between
// batches).
//
// Executors: a connection's state is touched on one executor only, the one
// of the first lane that used it in this repetition (the io_context's one
// thread under `async`; that lane's strand under `async-pool`). A lane on
// another executor runs its op there (co_spawn) and is resumed on its own.
//
// Failures: each op waits for its result until its own deadline (start +
// op_timeout); one overrunning fails every op in flight on the connection
// (`timeout`: they queue behind it) and closes it. A server gone fails them
// all as `reset`, a refused connection as `connect` / `auth`. The next op
// connects again.
#include <atomic>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apbench/asio.hpp"
#include "apbench/op_error.hpp"
#include "connection.hpp"
#include "libpq.hpp"

namespace apb::postgres {

class PipelineSession;

// Batches sent (one PQpipelineSync each) and the queries in them.
struct PipelinedCounts {
  std::atomic<std::uint64_t> syncs{0}, queries{0};
};

// A connection kept across repetitions: the PGconn and what it prepared.
// A PipelineSession drives it while one repetition's lanes use it.
struct PipelineEndpoint {
  PipelineEndpoint() = default;
  PipelineEndpoint(const PipelineEndpoint&) = delete;
  PipelineEndpoint& operator=(const PipelineEndpoint&) = delete;
  ~PipelineEndpoint() {
    if (conn) libpq().PQfinish(conn);
  }

  std::mutex mutex;                        // guards `session`
  std::weak_ptr<PipelineSession> session;  // the one driving it now
  PGconn* conn = nullptr;                  // touched by that session only
  PreparedNames prepared;
};

// One op's wait for its result: woken by the reader (or a failure), or by
// its deadline.
struct PipelineOp {
  explicit PipelineOp(const asio::any_io_executor& executor)
      : timer(executor) {}
  void finish() {
    done = true;
    timer.cancel();
  }

  asio::steady_timer timer;
  Result result;
  std::exception_ptr error;
  bool done = false;
};

// A pipelined connection bound to one executor for one repetition.
class PipelineSession : public std::enable_shared_from_this<PipelineSession> {
 public:
  using clock = std::chrono::steady_clock;

  PipelineSession(PipelineEndpoint& endpoint, asio::any_io_executor executor,
                  const std::string& conninfo, std::chrono::nanoseconds limit,
                  std::shared_ptr<PipelinedCounts> counts);
  PipelineSession(const PipelineSession&) = delete;
  PipelineSession& operator=(const PipelineSession&) = delete;
  ~PipelineSession();

  const asio::any_io_executor& executor() const { return executor_; }

  // Sends `query` and waits for its result; on executor() only. `op` is
  // the lane's (one op in flight per lane), bound to executor().
  asio::awaitable<Result> run(std::shared_ptr<PipelineSession> self,
                              std::shared_ptr<PipelineOp> op,
                              const Query& query);

 private:
  enum class Kind { prepare, query, sync };
  struct Entry {
    Kind kind;
    std::shared_ptr<PipelineOp> op;  // none for a sync
    Result first;                    // the first result, the rest dropped
    std::string name;                // a prepare's statement
  };

  // Waits for `op` until it is finished or `deadline` passes.
  static asio::awaitable<void> wait(PipelineOp& op, clock::time_point deadline);
  asio::awaitable<void> wait_socket(bool for_read,
                                    boost::system::error_code& ec);
  // Starts a coroutine of the connection on its executor.
  template <typename Task>
  void spawn(Task task);
  // Starts connecting (connect() finishes it); throws when it cannot.
  void start_connecting();
  static asio::awaitable<void> connect(std::shared_ptr<PipelineSession> self,
                                       std::uint64_t generation);
  void schedule_sync();
  void sync(std::uint64_t generation);
  void flush();
  static asio::awaitable<void> flush_when_writable(
      std::shared_ptr<PipelineSession> self, std::uint64_t generation);
  void start_reading();
  static asio::awaitable<void> read(std::shared_ptr<PipelineSession> self,
                                    std::uint64_t generation);
  // One PQgetResult's answer, for the oldest entry; false when it was a
  // null that ends nothing (wait for more input).
  bool deliver(PGresult* next);
  // Fails every op waiting on this connection with `error`, closes it.
  void fail_all(const OpError& error);
  OpError timeout_error() const;

  PipelineEndpoint& endpoint_;
  asio::any_io_executor executor_;
  std::string conninfo_;
  std::chrono::nanoseconds limit_;
  std::shared_ptr<PipelinedCounts> counts_;
  std::unique_ptr<asio::posix::stream_descriptor> socket_;
  std::deque<Entry> pending_;  // results due, in the order sent
  std::vector<std::shared_ptr<PipelineOp>> connect_waiters_;
  // A connection's life: bumped on failure, so that coroutines of the old
  // one (woken by its cancelled waits) end without touching the new one.
  std::uint64_t generation_ = 0;
  bool connecting_ = false, reading_ = false, flushing_ = false,
       sync_scheduled_ = false;
};

// `count` pipelined connections shared by the lanes (lane i uses
// connection i % count), kept across repetitions.
class PipelinedConnections {
 public:
  void configure(std::string conninfo, std::size_t count,
                 std::chrono::nanoseconds limit);
  // The lane's connection, driven on `executor` unless another lane of
  // this repetition bound it first. Thread-safe.
  std::shared_ptr<PipelineSession> join(std::size_t lane,
                                        const asio::any_io_executor& executor);
  // Closes them all; no lane may be using them.
  void clear() { endpoints_.clear(); }

  // Batches sent (one PQpipelineSync each) and the queries in them: how
  // deep the pipelines ran. Thread-safe.
  std::uint64_t syncs() const { return counts_->syncs.load(); }
  std::uint64_t queries() const { return counts_->queries.load(); }

 private:
  std::string conninfo_;
  std::chrono::nanoseconds limit_{};
  std::vector<std::unique_ptr<PipelineEndpoint>> endpoints_;
  std::shared_ptr<PipelinedCounts> counts_ =
      std::make_shared<PipelinedCounts>();
};

// A lane's state: its connection and its op's wait, from its first op on.
class PipelineLease {
 public:
  asio::awaitable<Result> run(PipelinedConnections& connections,
                              std::size_t lane, const Query& query);

 private:
  std::shared_ptr<PipelineSession> session_;
  std::shared_ptr<PipelineOp> op_;
};

}  // namespace apb::postgres
