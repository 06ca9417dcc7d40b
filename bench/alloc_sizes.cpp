// What a program allocates, by size: an LD_PRELOAD library counting the
// blocks malloc and aligned_alloc hand out (Asio's coroutine frames and
// handlers come from aligned_alloc) and printing, at exit, every size
// asked for at least APB_ALLOC_MIN times (default 1000) to stderr. With
// all ops of a fan-out in flight at once, the sizes counted once per op
// are what an op in flight costs:
//   export LD_PRELOAD=build/release/bench/libapbench_alloc_sizes.so
//   build/release/bench/apbench_asio_reference 10000 100 1
//   build/release/apbench --filter io.sleep --ops 10000 --set delay=100ms
//       --strategy async --repetitions 1 --warmup 0
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr std::size_t kSizes = 8192;  // larger blocks are counted together
std::array<std::atomic<unsigned long>, kSizes + 1> malloc_counts;
std::array<std::atomic<unsigned long>, kSizes + 1> aligned_counts;

void count(std::array<std::atomic<unsigned long>, kSizes + 1>& counts,
           std::size_t size) {
  counts[size < kSizes ? size : kSizes].fetch_add(1, std::memory_order_relaxed);
}

void print(const char* what,
           const std::array<std::atomic<unsigned long>, kSizes + 1>& counts,
           unsigned long at_least) {
  for (std::size_t s = 0; s <= kSizes; ++s)
    if (const unsigned long n = counts[s].load(); n >= at_least)
      std::fprintf(stderr, "alloc_sizes: %-13s %s%5zu B x %lu\n", what,
                   s == kSizes ? ">=" : "", s, n);
}

struct PrintAtExit {
  ~PrintAtExit() {
    const char* min = std::getenv("APB_ALLOC_MIN");
    const unsigned long at_least = min ? std::strtoul(min, nullptr, 10) : 1000;
    print("malloc", malloc_counts, at_least);
    print("aligned_alloc", aligned_counts, at_least);
  }
} print_at_exit;

}  // namespace

// glibc's own entry points: no dlsym (which may itself allocate) needed.
extern "C" void* __libc_malloc(std::size_t size);
extern "C" void* __libc_memalign(std::size_t alignment, std::size_t size);

extern "C" void* malloc(std::size_t size) {
  count(malloc_counts, size);
  return __libc_malloc(size);
}

extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count(aligned_counts, size);
  return __libc_memalign(alignment, size);
}
