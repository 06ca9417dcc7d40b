#pragma once
#include <cstddef>
#include <string_view>

namespace apb {

// Closed-loop load: `ops` ops, at most `concurrency` in flight, run on
// `threads` threads where a strategy uses a pool.
struct Load {
  std::size_t ops = 10;
  std::size_t concurrency = 0;  // 0: all ops at once
  unsigned threads = 0;         // 0: hardware threads

  std::size_t requested_concurrency() const {
    return concurrency == 0 || concurrency > ops ? ops : concurrency;
  }
  std::string_view mode() const { return "closed"; }
};

}  // namespace apb
