#include "pipelined_connection.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "apbench/units.hpp"

namespace apb::postgres {

using namespace std::chrono;

PipelineSession::PipelineSession(PipelineEndpoint& endpoint,
                                 asio::any_io_executor executor,
                                 const std::string& conninfo, nanoseconds limit,
                                 std::shared_ptr<PipelinedCounts> counts)
    : endpoint_(endpoint),
      executor_(std::move(executor)),
      conninfo_(conninfo),
      limit_(limit),
      counts_(std::move(counts)) {}

PipelineSession::~PipelineSession() {
  // Ends with the repetition (its io_context): the socket's registration
  // goes, the connection stays for the next one, unless it was cut off
  // in the middle of an exchange (a stop request).
  if (socket_) socket_->release();  // libpq owns the descriptor
  socket_.reset();
  if (endpoint_.conn && (connecting_ || !pending_.empty())) {
    libpq().PQfinish(endpoint_.conn);
    endpoint_.conn = nullptr;
    endpoint_.prepared.clear();
  }
}

OpError PipelineSession::timeout_error() const {
  return OpError(
      cause::timeout,
      fmt::format("no answer within {}",
                  format_duration(duration<double>(limit_).count())));
}

asio::awaitable<void> PipelineSession::wait(PipelineOp& op,
                                            clock::time_point deadline) {
  if (op.done) co_return;
  op.timer.expires_at(deadline);
  boost::system::error_code ignored;  // cancelled: finished; else: overdue
  co_await op.timer.async_wait(
      asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<void> PipelineSession::wait_socket(
    bool for_read, boost::system::error_code& ec) {
  // The socket can change while connecting (another address tried).
  const int fd = libpq().PQsocket(endpoint_.conn);
  if (fd < 0) {
    ec = asio::error::bad_descriptor;
    co_return;
  }
  if (!socket_ || socket_->native_handle() != fd) {
    if (socket_) socket_->release();
    socket_ = std::make_unique<asio::posix::stream_descriptor>(executor_, fd);
  }
  co_await socket_->async_wait(for_read
                                   ? asio::posix::stream_descriptor::wait_read
                                   : asio::posix::stream_descriptor::wait_write,
                               asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<Result> PipelineSession::run(
    std::shared_ptr<PipelineSession> self, std::shared_ptr<PipelineOp> op,
    const Query& query) {
  (void)self;  // keeps the session alive while the op waits
  const auto deadline = clock::now() + limit_;
  op->result.reset();
  op->error = nullptr;
  op->done = false;
  // Connected first (one op connects, the others arriving meanwhile wait).
  while (endpoint_.conn == nullptr || connecting_) {
    if (!connecting_) start_connecting();
    if (connecting_) {
      connect_waiters_.push_back(op);
      co_await wait(*op, deadline);
      if (!op->done) {
        const OpError error = timeout_error();
        fail_all(error);  // gives up the attempt too
        throw error;
      }
    }
    if (op->error) std::rethrow_exception(op->error);
    op->done = false;
  }
  if (query.prepared && !endpoint_.prepared.contains(query.name)) {
    // Its round trip is shared with the query it goes ahead of.
    if (!send_prepare(endpoint_.conn, query)) {
      const OpError error = gone_error(endpoint_.conn, "send");
      fail_all(error);
      throw error;
    }
    pending_.push_back({Kind::prepare, op, nullptr, query.name});
    endpoint_.prepared.add(query.name);
  }
  if (!send_query(endpoint_.conn, query)) {
    const OpError error = gone_error(endpoint_.conn, "send");
    fail_all(error);
    throw error;
  }
  pending_.push_back({Kind::query, op, nullptr, {}});
  counts_->queries.fetch_add(1, std::memory_order_relaxed);
  schedule_sync();
  co_await wait(*op, deadline);
  if (!op->done) {
    // Every query sent after this one waits behind it: they all go.
    const OpError error = timeout_error();
    fail_all(error);
    throw error;
  }
  if (op->error) std::rethrow_exception(op->error);
  co_return std::move(op->result);
}

void PipelineSession::start_connecting() {
  PGconn* conn = start_connect(conninfo_, false, limit_);
  if (conn == nullptr) throw OpError(cause::resource, "libpq: out of memory");
  if (libpq().PQstatus(conn) == CONNECTION_BAD) {
    const OpError error = connect_error(conn);
    libpq().PQfinish(conn);
    throw error;
  }
  endpoint_.conn = conn;
  connecting_ = true;
  spawn(connect(shared_from_this(), generation_));
}

template <typename Task>
void PipelineSession::spawn(Task task) {
  // A coroutine of the connection that throws (it should not) fails it.
  asio::co_spawn(executor_, std::move(task),
                 [self = shared_from_this(),
                  generation = generation_](const std::exception_ptr& e) {
                   if (!e || generation != self->generation_) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const OpError& error) {
                     self->fail_all(error);
                   } catch (const std::exception& error) {
                     self->fail_all(OpError(cause::io, error.what()));
                   }
                 });
}

asio::awaitable<void> PipelineSession::connect(
    std::shared_ptr<PipelineSession> self, std::uint64_t generation) {
  PGconn* conn = self->endpoint_.conn;
  // As if the last poll said "writing": the first wait is for the connect.
  for (PostgresPollingStatusType state = PGRES_POLLING_WRITING;
       state != PGRES_POLLING_OK; state = libpq().PQconnectPoll(conn)) {
    if (state == PGRES_POLLING_FAILED) {
      self->fail_all(connect_error(conn));
      co_return;
    }
    boost::system::error_code ec;
    co_await self->wait_socket(state == PGRES_POLLING_READING, ec);
    if (generation != self->generation_) co_return;  // given up meanwhile
    if (ec) {
      self->fail_all(gone_error(conn, "connect"));
      co_return;
    }
  }
  if (libpq().PQsetnonblocking(conn, 1) != 0 ||
      libpq().PQenterPipelineMode(conn) != 1) {
    self->fail_all(gone_error(conn, "enter pipeline mode"));
    co_return;
  }
  self->connecting_ = false;
  for (auto& op : self->connect_waiters_) op->finish();
  self->connect_waiters_.clear();
}

void PipelineSession::schedule_sync() {
  if (sync_scheduled_) return;
  // After the other ops ready to send this turn: one sync, one write.
  sync_scheduled_ = true;
  asio::post(executor_, [self = shared_from_this(), generation = generation_] {
    self->sync(generation);
  });
}

void PipelineSession::sync(std::uint64_t generation) {
  if (generation != generation_) return;  // those queries failed already
  sync_scheduled_ = false;
  // (It also flushes, as far as the socket takes it.)
  if (libpq().PQpipelineSync(endpoint_.conn) != 1) {
    fail_all(gone_error(endpoint_.conn, "send"));
    return;
  }
  pending_.push_back({Kind::sync, nullptr, nullptr, {}});
  counts_->syncs.fetch_add(1, std::memory_order_relaxed);
  flush();
  if (generation == generation_) start_reading();
}

void PipelineSession::flush() {
  if (flushing_) return;  // a flush waits for the socket already
  const int left = libpq().PQflush(endpoint_.conn);
  if (left < 0) {
    fail_all(gone_error(endpoint_.conn, "send"));
  } else if (left > 0) {
    flushing_ = true;
    spawn(flush_when_writable(shared_from_this(), generation_));
  }
}

asio::awaitable<void> PipelineSession::flush_when_writable(
    std::shared_ptr<PipelineSession> self, std::uint64_t generation) {
  // The reader keeps consuming input meanwhile, so the server is never
  // stuck writing results while we wait to write queries.
  for (;;) {
    boost::system::error_code ec;
    co_await self->wait_socket(false, ec);
    if (generation != self->generation_) co_return;
    const int left = ec ? -1 : libpq().PQflush(self->endpoint_.conn);
    if (left < 0) {
      self->fail_all(gone_error(self->endpoint_.conn, "send"));
      co_return;
    }
    if (left == 0) break;
  }
  self->flushing_ = false;
}

void PipelineSession::start_reading() {
  if (reading_ || pending_.empty()) return;
  reading_ = true;
  spawn(read(shared_from_this(), generation_));
}

asio::awaitable<void> PipelineSession::read(
    std::shared_ptr<PipelineSession> self, std::uint64_t generation) {
  PGconn* conn = self->endpoint_.conn;
  auto& pending = self->pending_;
  for (;;) {
    if (!libpq().PQconsumeInput(conn)) {
      self->fail_all(gone_error(conn, "receive"));
      co_return;
    }
    while (!pending.empty() && !libpq().PQisBusy(conn))
      if (!self->deliver(libpq().PQgetResult(conn))) break;
    if (pending.empty()) break;
    boost::system::error_code ec;
    co_await self->wait_socket(true, ec);
    if (generation != self->generation_) co_return;
    if (ec) {
      self->fail_all(gone_error(conn, "receive"));
      co_return;
    }
  }
  self->reading_ = false;
}

bool PipelineSession::deliver(PGresult* next) {
  Entry& front = pending_.front();
  if (front.kind == Kind::sync) {
    if (next == nullptr) return false;
    libpq().PQclear(next);  // PGRES_PIPELINE_SYNC: the end of a batch
    pending_.pop_front();
    return true;
  }
  if (next != nullptr) {
    if (!front.first)
      front.first.reset(next);
    else
      libpq().PQclear(next);
    return true;
  }
  // A null: the front statement's results are complete.
  Entry entry = std::move(front);
  pending_.pop_front();
  if (entry.kind == Kind::prepare) {
    try {
      check(entry.first);
    } catch (...) {
      // Its query comes back "aborted": the op fails with the cause.
      endpoint_.prepared.remove(entry.name);
      if (!entry.op->error) entry.op->error = std::current_exception();
    }
    return true;
  }
  if (!entry.op->done) {
    entry.op->result = std::move(entry.first);
    entry.op->finish();
  }
  return true;
}

void PipelineSession::fail_all(const OpError& error) {
  ++generation_;
  const auto failure = std::make_exception_ptr(error);
  const auto fail = [&](const std::shared_ptr<PipelineOp>& op) {
    if (!op || op->done) return;
    if (!op->error) op->error = failure;
    op->finish();
  };
  for (auto& op : connect_waiters_) fail(op);
  for (auto& entry : pending_) fail(entry.op);
  connect_waiters_.clear();
  pending_.clear();
  connecting_ = reading_ = flushing_ = sync_scheduled_ = false;
  if (socket_) socket_->release();  // cancels the waits on it
  socket_.reset();
  if (endpoint_.conn) libpq().PQfinish(endpoint_.conn);
  endpoint_.conn = nullptr;
  endpoint_.prepared.clear();
}

void PipelinedConnections::configure(std::string conninfo, std::size_t count,
                                     nanoseconds limit) {
  conninfo_ = std::move(conninfo);
  limit_ = limit;
  endpoints_.clear();
  for (std::size_t i = 0; i < count; ++i)
    endpoints_.push_back(std::make_unique<PipelineEndpoint>());
}

std::shared_ptr<PipelineSession> PipelinedConnections::join(
    std::size_t lane, const asio::any_io_executor& executor) {
  PipelineEndpoint& endpoint = *endpoints_[lane % endpoints_.size()];
  const std::lock_guard lock(endpoint.mutex);
  if (auto session = endpoint.session.lock()) return session;
  auto session = std::make_shared<PipelineSession>(endpoint, executor,
                                                   conninfo_, limit_, counts_);
  endpoint.session = session;
  return session;
}

asio::awaitable<Result> PipelineLease::run(PipelinedConnections& connections,
                                           std::size_t lane,
                                           const Query& query) {
  const auto executor = co_await asio::this_coro::executor;
  if (!session_) {
    session_ = connections.join(lane, executor);
    op_ = std::make_shared<PipelineOp>(session_->executor());
  }
  if (session_->executor() == executor)
    co_return co_await session_->run(session_, op_, query);
  co_return co_await asio::co_spawn(session_->executor(),
                                    session_->run(session_, op_, query),
                                    asio::use_awaitable);
}

}  // namespace apb::postgres
