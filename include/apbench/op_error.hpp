#pragma once
// Why an op failed. Results count failures per cause (errors_by_cause), so
// a user can tell a server that refused connections from one that timed out.
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace apb {

// Causes, as they appear in results:
//   connect     the connection could not be established (refused, no route)
//   auth        the server refused the credentials (e.g. a database login)
//   reset       the peer reset or closed the connection mid-op
//   short_read  the stream ended before the expected number of bytes
//   timeout     the op did not finish within its time limit
//   status      the server answered with an unexpected status (e.g. HTTP 503)
//   query       the server refused or failed the request itself (e.g. an
//               SQL error)
//   mismatch    the answer arrived but was wrong (bytes differ, bad length)
//   io          any other I/O error
//   resource    this machine ran out of something: descriptors (EMFILE,
//               ENFILE), buffers or memory (raise ulimit -n, lower
//               connections)
//   exception   anything else an op threw
namespace cause {
inline constexpr std::string_view connect = "connect";
inline constexpr std::string_view auth = "auth";
inline constexpr std::string_view reset = "reset";
inline constexpr std::string_view short_read = "short_read";
inline constexpr std::string_view timeout = "timeout";
inline constexpr std::string_view status = "status";
inline constexpr std::string_view query = "query";
inline constexpr std::string_view mismatch = "mismatch";
inline constexpr std::string_view io = "io";
inline constexpr std::string_view resource = "resource";
inline constexpr std::string_view exception = "exception";
}  // namespace cause

// An op's failure with its cause; throw it from an op.
class OpError : public std::runtime_error {
 public:
  OpError(std::string_view cause, const std::string& message)
      : std::runtime_error(message), cause_(cause) {}
  std::string_view cause() const { return cause_; }

 private:
  std::string_view cause_;  // one of the constants above
};

struct ClassifiedError {
  std::string cause;
  std::string message;
};

// The cause and message of an exception an op threw: OpError keeps its
// cause; a boost::system::system_error (Asio, Beast) is classified by its
// error code; anything else is `exception`.
ClassifiedError classify(std::exception_ptr error);

}  // namespace apb
