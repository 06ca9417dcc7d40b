#include "apbench/compute_policies.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>

#include <functional>

#include "apbench/detail/tsan.hpp"
#include "apbench/offload.hpp"

namespace apb {

std::uint64_t parallel_digest(std::size_t items, const Kernel& kernel) {
  // oneTBB hands the pieces to workers inside the uninstrumented libtbb:
  // tell ThreadSanitizer about both directions of that hand-off (TbbBody
  // publishes once built; parallel_reduce refers to it, copying no body).
  const detail::TbbBody body(
      [&](const tbb::blocked_range<std::size_t>& r, std::uint64_t acc) {
        return acc + kernel(IndexRange{r.begin(), r.end()});
      });
  const std::uint64_t digest =
      tbb::parallel_reduce(tbb::blocked_range<std::size_t>(0, items),
                           std::uint64_t{0}, body, std::plus<>());
  detail::tsan_receive_from_tbb();
  return digest;
}

std::uint64_t InlineCompute::run(std::size_t items, const Kernel& kernel) {
  return kernel(IndexRange{0, items});
}

asio::awaitable<std::uint64_t> InlineCompute::run_async(std::size_t items,
                                                        const Kernel& kernel) {
  co_return kernel(IndexRange{0, items});
}

std::uint64_t ParallelCompute::run(std::size_t items, const Kernel& kernel) {
  // Isolated: while waiting for its pieces, a worker must not pick up
  // another op (it would run two ops of one lane at once).
  return tbb::this_task_arena::isolate(
      [&] { return parallel_digest(items, kernel); });
}

asio::awaitable<std::uint64_t> ParallelCompute::run_async(
    std::size_t items, const Kernel& kernel) {
  co_return parallel_digest(items, kernel);
}

std::uint64_t OffloadCompute::run(std::size_t items, const Kernel& kernel) {
  return arena_.execute([&] { return parallel_digest(items, kernel); });
}

asio::awaitable<std::uint64_t> OffloadCompute::run_async(std::size_t items,
                                                         const Kernel& kernel) {
  co_return co_await offload(
      arena_, [items, &kernel] { return parallel_digest(items, kernel); });
}

}  // namespace apb
