#pragma once
// The one place apbench pulls in Boost.Asio; `apb::asio` names it.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace apb {
namespace asio = boost::asio;
}  // namespace apb
