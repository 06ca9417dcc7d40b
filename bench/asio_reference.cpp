// A plain Asio program, no apbench: N coroutines each waiting D on a
// steady_timer, spawned detached on one io_context thread, timed. apbench's
// `async` strategy on io.sleep should land close to it; the difference is
// the framework's own overhead. Usage: apbench_asio_reference N [D_ms] [R]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace asio = boost::asio;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OPS [DELAY_MS] [REPETITIONS]\n", argv[0]);
    return 2;
  }
  const long ops = std::atol(argv[1]);
  const long delay_ms = argc > 2 ? std::atol(argv[2]) : 100;
  const int repetitions = argc > 3 ? std::atoi(argv[3]) : 3;
  for (int rep = 0; rep < repetitions; ++rep) {
    asio::io_context ioc(1);
    long remaining = ops;
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < ops; ++i)
      asio::co_spawn(
          ioc,
          [&]() -> asio::awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor,
                                     std::chrono::milliseconds(delay_ms));
            co_await timer.async_wait(asio::use_awaitable);
            --remaining;
          },
          asio::detached);
    ioc.run();
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    std::printf("%ld x %ld ms timer waits, detached co_spawn: %.1f ms%s\n", ops,
                delay_ms, ms, remaining == 0 ? "" : " (incomplete!)");
  }
}
