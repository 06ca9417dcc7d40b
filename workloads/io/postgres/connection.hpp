#pragma once
// A libpq connection in io.postgres's two forms.
//   AsyncConnection: libpq's non-blocking API on Asio. The query is sent
//     with PQsendQueryParams and flushed, the answer read with
//     PQconsumeInput / PQisBusy / PQgetResult, waiting on the connection's
//     socket through an Asio descriptor, so the event loop thread is never
//     held. A watchdog cancels the wait when an op overruns op_timeout.
//   BlockingConnection: PQexecParams's blocking round trip, done as its
//     parts (send, flush, wait, read) with poll() so that the op's time
//     limit and a stop request bound it; the worker is held throughout.
// Failures are OpErrors by cause: connect, auth, query (the server refused
// the statement), timeout, reset (the server went away).
#include <libpq-fe.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "apbench/asio.hpp"
#include "apbench/op_error.hpp"
#include "apbench/timeout.hpp"

namespace apb::postgres {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A statement and its text parameters.
struct Query {
  const char* sql = "";
  std::vector<std::string> params;
};

// The first column of the first row of a successful result, as a number;
// OpError(query / mismatch) otherwise.
std::int64_t single_integer(const Result& result);
// Throws the OpError an unsuccessful result means (none when it is fine).
void check(const Result& result);

class AsyncConnection {
 public:
  AsyncConnection() = default;
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;
  ~AsyncConnection() { close(); }

  // Connects first when needed (part of the op, under its time limit).
  asio::awaitable<Result> run(const std::string& conninfo, const Query& query,
                              std::chrono::nanoseconds limit);
  // Keeps the connection, drops what is bound to the lane's executor (the
  // socket's registration, the watchdog): it may serve another lane next.
  void detach();
  void close();

 private:
  asio::awaitable<void> connect(const std::string& conninfo);
  asio::awaitable<Result> exchange(const Query& query);
  asio::awaitable<void> wait(bool for_read);
  [[noreturn]] void fail_gone(const char* what);

  PGconn* conn_ = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> socket_;
  std::shared_ptr<Watchdog> watchdog_;
};

class BlockingConnection {
 public:
  BlockingConnection() = default;
  BlockingConnection(const BlockingConnection&) = delete;
  BlockingConnection& operator=(const BlockingConnection&) = delete;
  ~BlockingConnection() { close(); }

  Result run(const std::string& conninfo, const Query& query,
             std::chrono::nanoseconds limit, const std::stop_token& stop);
  void detach() {}
  void close();

 private:
  PGconn* conn_ = nullptr;
};

// A short-lived blocking connection for set-up and tear-down statements:
// throws std::runtime_error with libpq's message on any failure.
void run_setup_statement(const std::string& conninfo, const std::string& sql);

}  // namespace apb::postgres
