#include "apbench/op_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "text/printable.hpp"

namespace apb {
namespace {

std::string_view cause_of(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::connection_refused || ec == error::host_unreachable ||
      ec == error::network_unreachable || ec == error::host_not_found ||
      ec == error::address_in_use)
    return cause::connect;
  if (ec == error::connection_reset || ec == error::broken_pipe ||
      ec == error::connection_aborted || ec == error::shut_down)
    return cause::reset;
  if (ec == error::eof) return cause::short_read;
  if (ec == error::no_descriptors || ec == error::no_buffer_space ||
      ec == error::no_memory ||
      ec == boost::system::errc::too_many_files_open_in_system)
    return cause::resource;
  if (ec == error::timed_out || ec == error::would_block ||
      ec == error::try_again || ec == error::operation_aborted)
    return cause::timeout;
  return cause::io;
}

}  // namespace

ClassifiedError classify(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const OpError& e) {
    return {std::string(e.cause()), e.what()};
  } catch (const boost::system::system_error& e) {
    // what() ends in Boost's source location: messages are for users.
    return {std::string(cause_of(e.code())), without_source_location(e.what())};
  } catch (const std::exception& e) {
    return {std::string(cause::exception), e.what()};
  } catch (...) {
    return {std::string(cause::exception), "unknown exception"};
  }
}

}  // namespace apb
