#pragma once
// libpq, loaded when io.postgres first needs it rather than linked. Linked,
// libpq and the libraries it pulls in (OpenSSL, GnuTLS, Kerberos, LDAP, ...,
// 20 in all) are loaded and initialised by every apbench process, and by
// every program built on apbench::workloads, whether or not it talks to a
// database: 5.7 MiB of resident memory and their start-up time on Debian 12.
// Call sites write `libpq().PQexec(...)`: libpq's own names and types.
#include <libpq-fe.h>

namespace apb::postgres {

// The libpq functions io.postgres calls (an X-macro list, one per line;
// clang-format would re-wrap it on every run).
// clang-format off
#define APB_LIBPQ_FUNCTIONS(X) \
  X(PQclear) \
  X(PQconnectPoll) \
  X(PQconnectStartParams) \
  X(PQconnectdb) \
  X(PQconnectdbParams) \
  X(PQconsumeInput) \
  X(PQenterPipelineMode) \
  X(PQerrorMessage) \
  X(PQexec) \
  X(PQexecParams) \
  X(PQexecPrepared) \
  X(PQfinish) \
  X(PQflush) \
  X(PQgetResult) \
  X(PQgetisnull) \
  X(PQgetvalue) \
  X(PQisBusy) \
  X(PQnfields) \
  X(PQntuples) \
  X(PQping) \
  X(PQpipelineSync) \
  X(PQprepare) \
  X(PQresultErrorField) \
  X(PQresultErrorMessage) \
  X(PQresultStatus) \
  X(PQsendPrepare) \
  X(PQsendQueryParams) \
  X(PQsendQueryPrepared) \
  X(PQserverVersion) \
  X(PQsetNoticeProcessor) \
  X(PQsetnonblocking) \
  X(PQsocket) \
  X(PQstatus)
// clang-format on

struct Libpq {
#define APB_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  APB_LIBPQ_FUNCTIONS(APB_LIBPQ_MEMBER)
#undef APB_LIBPQ_MEMBER
};

// libpq (libpq.so.5), loaded on the first call; thread-safe. Throws
// std::runtime_error naming the library and what to install when it cannot
// be loaded (io.postgres then fails to set up, with that reason).
const Libpq& libpq();

}  // namespace apb::postgres
