#include "connection.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace apb::postgres {
namespace {

using namespace std::chrono;

// libpq's messages end in a newline and may run on: the first line.
std::string first_line(const char* message) {
  std::string text = message ? message : "";
  text = text.substr(0, text.find('\n'));
  return text.empty() ? "no message from libpq" : text;
}

}  // namespace

OpError connect_error(PGconn* conn) {
  const std::string message = first_line(libpq().PQerrorMessage(conn));
  const bool auth = message.find("authentication") != std::string::npos ||
                    message.find("password") != std::string::npos ||
                    (message.find("role") != std::string::npos &&
                     message.find("does not exist") != std::string::npos);
  return OpError(auth ? cause::auth : cause::connect, "connect: " + message);
}

OpError gone_error(PGconn* conn, const char* what) {
  return OpError(
      cause::reset,
      fmt::format("{}: {}", what, first_line(libpq().PQerrorMessage(conn))));
}

namespace {

std::vector<const char*> values_of(const Query& query) {
  std::vector<const char*> values;
  for (const auto& p : query.params) values.push_back(p.c_str());
  return values;
}

}  // namespace

// The connection string as libpq's "dbname" with expansion: a URI
// (postgresql://...) or key=value pairs, plus our own settings.
PGconn* start_connect(const std::string& conninfo, bool blocking,
                      nanoseconds limit) {
  const std::string timeout = std::to_string(
      std::max<std::int64_t>(2, duration_cast<seconds>(limit).count() + 1));
  const char* keys[] = {"dbname", "connect_timeout", "application_name",
                        nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), "apbench",
                          nullptr};
  return blocking ? libpq().PQconnectdbParams(keys, values, 1)
                  : libpq().PQconnectStartParams(keys, values, 1);
}

bool PreparedNames::contains(std::string_view name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

void PreparedNames::remove(std::string_view name) { std::erase(names_, name); }

bool send_query(PGconn* conn, const Query& query) {
  const auto values = values_of(query);
  const int count = static_cast<int>(values.size());
  return query.prepared ? libpq().PQsendQueryPrepared(conn, query.name, count,
                                                      values.data(), nullptr,
                                                      nullptr, 0) != 0
                        : libpq().PQsendQueryParams(conn, query.sql, count,
                                                    nullptr, values.data(),
                                                    nullptr, nullptr, 0) != 0;
}

bool send_prepare(PGconn* conn, const Query& query) {
  return libpq().PQsendPrepare(conn, query.name, query.sql,
                               static_cast<int>(query.params.size()),
                               nullptr) != 0;
}

void check(const Result& result) {
  if (!result) throw OpError(cause::reset, "no result: the connection ended");
  const ExecStatusType status = libpq().PQresultStatus(result.get());
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return;
  if (status == PGRES_PIPELINE_ABORTED)
    throw OpError(cause::query,
                  "pipeline aborted: an earlier statement of the same "
                  "pipeline failed");
  const char* state =
      libpq().PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  const std::string_view code = state ? state : "";
  const std::string message = fmt::format(
      "{}{}", first_line(libpq().PQresultErrorMessage(result.get())),
      code.empty() ? "" : fmt::format(" (SQLSTATE {})", code));
  // 08: connection exception; 57P01-03: the server shutting down or gone.
  if (code.starts_with("08") || code == "57P01" || code == "57P02" ||
      code == "57P03")
    throw OpError(cause::reset, message);
  if (code == "57014") throw OpError(cause::timeout, message);  // cancelled
  if (code.starts_with("28")) throw OpError(cause::auth, message);
  throw OpError(cause::query, message);
}

std::int64_t single_integer(const Result& result) {
  check(result);
  if (libpq().PQntuples(result.get()) != 1 ||
      libpq().PQnfields(result.get()) < 1 ||
      libpq().PQgetisnull(result.get(), 0, 0))
    throw OpError(cause::mismatch,
                  fmt::format("expected one value, got {} rows",
                              libpq().PQntuples(result.get())));
  const char* text = libpq().PQgetvalue(result.get(), 0, 0);
  const std::string_view view(text);
  std::int64_t value = 0;
  const auto [end, ec] =
      std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size())
    throw OpError(cause::mismatch,
                  fmt::format("expected a number, got '{}'", view));
  return value;
}

// --- async ---

void AsyncConnection::detach() {
  if (watchdog_) watchdog_->stop();
  watchdog_.reset();
  if (socket_) {
    socket_->release();  // libpq owns the descriptor
    socket_.reset();
  }
}

void AsyncConnection::close() {
  detach();
  if (conn_) libpq().PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();
}

void AsyncConnection::fail_gone(const char* what) {
  throw gone_error(conn_, what);
}

asio::awaitable<void> AsyncConnection::wait(bool for_read) {
  // The socket can change while connecting (another address tried).
  const int fd = libpq().PQsocket(conn_);
  if (fd < 0) fail_gone("no socket");
  if (!socket_ || socket_->native_handle() != fd) {
    if (socket_) socket_->release();
    socket_ = std::make_unique<asio::posix::stream_descriptor>(
        co_await asio::this_coro::executor, fd);
  }
  co_await socket_->async_wait(for_read
                                   ? asio::posix::stream_descriptor::wait_read
                                   : asio::posix::stream_descriptor::wait_write,
                               asio::use_awaitable);
}

asio::awaitable<void> AsyncConnection::connect(const std::string& conninfo) {
  conn_ = start_connect(conninfo, false, {});
  if (conn_ == nullptr) throw OpError(cause::resource, "libpq: out of memory");
  if (libpq().PQstatus(conn_) == CONNECTION_BAD) throw connect_error(conn_);
  // As if the last poll said "writing": the first wait is for the connect.
  for (PostgresPollingStatusType state = PGRES_POLLING_WRITING;
       state != PGRES_POLLING_OK; state = libpq().PQconnectPoll(conn_)) {
    if (state == PGRES_POLLING_FAILED) throw connect_error(conn_);
    co_await wait(state == PGRES_POLLING_READING);
  }
  if (libpq().PQsetnonblocking(conn_, 1) != 0) fail_gone("set non-blocking");
}

template <typename Send>
asio::awaitable<Result> AsyncConnection::exchange(Send send) {
  if (!send()) fail_gone("send");
  for (int left; (left = libpq().PQflush(conn_)) != 0;) {
    if (left < 0) fail_gone("send");
    co_await wait(false);
  }
  Result first;
  for (;;) {
    if (!libpq().PQconsumeInput(conn_)) fail_gone("receive");
    while (!libpq().PQisBusy(conn_)) {
      PGresult* next = libpq().PQgetResult(conn_);
      if (next == nullptr) co_return first;
      if (!first)
        first.reset(next);
      else
        libpq().PQclear(next);
    }
    co_await wait(true);
  }
}

asio::awaitable<Result> AsyncConnection::run(const std::string& conninfo,
                                             const Query& query,
                                             nanoseconds limit) {
  std::optional<OpError> timeout;
  try {
    if (!watchdog_)
      watchdog_ =
          Watchdog::start(co_await asio::this_coro::executor, limit, [this] {
            boost::system::error_code ignored;
            if (socket_) socket_->cancel(ignored);
          });
    watchdog_->begin_op();
    if (conn_ == nullptr) co_await connect(conninfo);
    if (query.prepared && !prepared_.contains(query.name)) {
      // The statement's one round trip to parse and plan it.
      check(co_await exchange([&] { return send_prepare(conn_, query); }));
      prepared_.add(query.name);
    }
    Result result = co_await exchange([&] { return send_query(conn_, query); });
    watchdog_->end_op();
    co_return result;
  } catch (...) {
    // A failed exchange leaves the connection in an unknown state.
    if (watchdog_ && watchdog_->fired()) timeout = watchdog_->timeout_error();
    close();
    if (!timeout) throw;
  }
  throw *timeout;
}

// --- blocking ---

void BlockingConnection::close() {
  if (conn_) libpq().PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();
}

Result BlockingConnection::run(const std::string& conninfo, const Query& query,
                               nanoseconds limit, const std::stop_token& stop) {
  const auto deadline = steady_clock::now() + limit;
  const auto wait = [&](short events) {
    for (;;) {
      const auto left = deadline - steady_clock::now();
      if (left <= nanoseconds::zero())
        throw OpError(cause::timeout,
                      fmt::format("no answer within {} ms",
                                  duration_cast<milliseconds>(limit).count()));
      if (stop.stop_requested())
        throw OpError(cause::timeout, "stopped while waiting for the server");
      // Slices of at most 100 ms: a stop request is seen promptly.
      const auto slice = std::min<milliseconds>(
          duration_cast<milliseconds>(left) + milliseconds(1),
          milliseconds(100));
      pollfd fd{libpq().PQsocket(conn_), events, 0};
      const int n = ::poll(&fd, 1, static_cast<int>(slice.count()));
      if (n > 0) return;
      if (n < 0 && errno != EINTR)
        throw OpError(cause::io, fmt::format("poll: errno {}", errno));
    }
  };
  try {
    if (conn_ == nullptr) {
      conn_ = start_connect(conninfo, true, limit);
      if (conn_ == nullptr)
        throw OpError(cause::resource, "libpq: out of memory");
      if (libpq().PQstatus(conn_) != CONNECTION_OK) throw connect_error(conn_);
    }
    // One round trip: what `sent` queued, flushed, and its first result.
    const auto exchange = [&](bool sent) {
      if (!sent) throw gone_error(conn_, "send");
      // Blocking mode: PQflush sends everything or fails.
      if (libpq().PQflush(conn_) != 0) throw gone_error(conn_, "send");
      Result first;
      for (;;) {
        while (!libpq().PQisBusy(conn_)) {
          PGresult* next = libpq().PQgetResult(conn_);
          if (next == nullptr) return first;
          if (!first)
            first.reset(next);
          else
            libpq().PQclear(next);
        }
        wait(POLLIN);
        if (!libpq().PQconsumeInput(conn_)) throw gone_error(conn_, "receive");
      }
    };
    if (query.prepared && !prepared_.contains(query.name)) {
      check(exchange(send_prepare(conn_, query)));  // PQprepare's round trip
      prepared_.add(query.name);
    }
    return exchange(send_query(conn_, query));
  } catch (...) {
    close();
    throw;
  }
}

void run_setup_statement(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = start_connect(conninfo, true, seconds(10));
  if (conn == nullptr) throw std::runtime_error("libpq: out of memory");
  if (libpq().PQstatus(conn) != CONNECTION_OK) {
    const std::string message = first_line(libpq().PQerrorMessage(conn));
    libpq().PQfinish(conn);
    throw std::runtime_error("cannot connect: " + message);
  }
  // "already exists, skipping" and the like: not for the console.
  libpq().PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  Result result(libpq().PQexec(conn, sql.c_str()));
  const bool ok =
      result && (libpq().PQresultStatus(result.get()) == PGRES_COMMAND_OK ||
                 libpq().PQresultStatus(result.get()) == PGRES_TUPLES_OK);
  const std::string message =
      ok ? "" : first_line(libpq().PQresultErrorMessage(result.get()));
  result.reset();
  libpq().PQfinish(conn);
  if (!ok) throw std::runtime_error(message);
}

}  // namespace apb::postgres
