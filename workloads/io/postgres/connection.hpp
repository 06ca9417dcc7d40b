#pragma once
// A libpq connection in io.postgres's two forms.
//   AsyncConnection: libpq's non-blocking API on Asio. The query is sent
//     (PQsendQueryPrepared or PQsendQueryParams) and flushed, the answer read
//     with PQconsumeInput / PQisBusy / PQgetResult, waiting on the connection's
//     socket through an Asio descriptor, so the event loop thread is never
//     held. A watchdog cancels the wait when an op overruns op_timeout.
//   BlockingConnection: PQexecPrepared's (PQexecParams's) round trip, done as
//   its
//     parts (send, flush, wait, read) with poll() so that the op's time
//     limit and a stop request bound it; the worker is held throughout.
// Failures are OpErrors by cause: connect, auth, query (the server refused
// the statement), timeout, reset (the server went away).
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/asio.hpp"
#include "apbench/op_error.hpp"
#include "apbench/timeout.hpp"
#include "libpq.hpp"

namespace apb::postgres {

struct ResultDeleter {
  void operator()(PGresult* result) const { libpq().PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A statement, its text parameters, and how it is sent (pgbench's -M):
// `prepared` parses and plans it once per connection (PQsendPrepare under
// `name` on the connection's first use of it, then PQsendQueryPrepared);
// otherwise every query carries its text (PQsendQueryParams: the extended
// protocol, parsed and planned each time).
struct Query {
  const char* name = "";
  const char* sql = "";
  std::vector<std::string> params;
  bool prepared = true;
};

// The statements a connection has prepared (names; a handful at most).
class PreparedNames {
 public:
  bool contains(std::string_view name) const;
  void add(std::string_view name) { names_.emplace_back(name); }
  void remove(std::string_view name);
  void clear() { names_.clear(); }

 private:
  std::vector<std::string> names_;
};

// Sends `query`'s prepared execution or its text with parameters (no
// flush); false when libpq could not queue it.
bool send_query(PGconn* conn, const Query& query);
bool send_prepare(PGconn* conn, const Query& query);

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
  // Sends what `send` queues, flushes, and reads the first result.
  template <typename Send>
  asio::awaitable<Result> exchange(Send send);
  asio::awaitable<void> wait(bool for_read);
  [[noreturn]] void fail_gone(const char* what);

  PGconn* conn_ = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> socket_;
  std::shared_ptr<Watchdog> watchdog_;
  PreparedNames prepared_;
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
  PreparedNames prepared_;
};

// libpq helpers shared by the connections.
// Starts connecting to `conninfo` (a URI or key=value pairs): at once
// (blocking) or to be driven by PQconnectPoll; nullptr when out of memory.
PGconn* start_connect(const std::string& conninfo, bool blocking,
                      std::chrono::nanoseconds limit);
// A failed connection attempt, by cause: auth (refused credentials) or
// connect (anything else).
OpError connect_error(PGconn* conn);
// The server gone (reset), with libpq's message after `what`.
OpError gone_error(PGconn* conn, const char* what);

// A short-lived blocking connection for set-up and tear-down statements:
// throws std::runtime_error with libpq's message on any failure.
void run_setup_statement(const std::string& conninfo, const std::string& sql);

}  // namespace apb::postgres
