// One closed-loop batch of ops, run once, for counting instructions per op
// under Valgrind's callgrind (bench/instructions_per_op.py runs it twice,
// with two op counts, so the process's set-up cancels in the difference).
//
//   apbench_op_cost SUBJECT WORKLOAD OPS [threads=T] [concurrency=C]
//                   [name=value ...]
//
// SUBJECT is an apbench strategy (`async`, `async-pool`, `threads`,
// `parallel`, `sequential`, ...) run through the engine exactly as the
// runner runs one repetition (Batch + Strategy::execute, no warm-up, no
// thread-count monitor: its polling would count time, not ops), or a plain
// program doing the same ops without apbench:
//   plain-asio       detached co_spawn per op on one io_context thread
//   plain-asio-pool  the same on an io_context run by --threads threads
//   plain-tbb        tbb::parallel_for over the ops, each op a plain call
//   plain-tbb-split  the same, each op's pieces in a nested parallel_reduce
//   plain-threads    a std::thread per op in flight (concurrency=C, 0: all)
// WORKLOAD is io.sleep (delay=...) or cpu.spin (work=...). Every op must
// complete: the program fails otherwise, so a count is never of less work.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "apbench/batch.hpp"
#include "apbench/busy_work.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"

namespace {

namespace asio = boost::asio;
using std::chrono::nanoseconds;

struct Options {
  std::string subject;
  std::string workload;
  std::size_t ops = 0;
  unsigned threads = 2;
  std::size_t concurrency = 0;  // 0: all ops at once (the fan-out)
  std::vector<std::pair<std::string, std::string>> params;
};

// The plain programs' op bodies: what io.sleep and cpu.spin do, no more.
struct PlainOp {
  bool sleep = true;
  nanoseconds delay{};
  std::uint64_t piece_iterations = 0;  // cpu.spin: busy iterations per piece
  static constexpr std::size_t kPieces = 64;

  std::uint64_t spin(std::size_t index, std::uint64_t seed) const {
    const std::uint64_t op = apb::op_seed(seed, index);
    std::uint64_t digest = 0;
    for (std::size_t i = 0; i < kPieces; ++i)
      digest += apb::busy_iterations(piece_iterations, apb::mix64(op ^ i));
    return digest;
  }
  std::uint64_t split_spin(std::size_t index, std::uint64_t seed) const {
    const std::uint64_t op = apb::op_seed(seed, index);
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, kPieces), std::uint64_t{0},
        [&](const tbb::blocked_range<std::size_t>& r, std::uint64_t acc) {
          for (std::size_t i = r.begin(); i != r.end(); ++i)
            acc += apb::busy_iterations(piece_iterations, apb::mix64(op ^ i));
          return acc;
        },
        std::plus<>());
  }
};

PlainOp plain_op(const Options& o) {
  const apb::WorkloadEntry& entry =
      apb::Registry::instance().workload(o.workload);
  apb::Params params(entry.info.params);
  for (const auto& [name, value] : o.params) params.set(name, value);
  PlainOp op;
  op.sleep = o.workload == "io.sleep";
  if (op.sleep)
    op.delay = params.duration("delay");
  else
    op.piece_iterations =
        apb::busy_iterations_for(params.duration("work")) / PlainOp::kPieces;
  return op;
}

std::size_t run_plain_asio(const Options& o, unsigned threads) {
  const PlainOp body = plain_op(o);
  asio::io_context ioc(static_cast<int>(threads));
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> digest{0};
  for (std::size_t i = 0; i < o.ops; ++i)
    asio::co_spawn(
        ioc,
        [&, i]() -> asio::awaitable<void> {
          if (body.sleep) {
            asio::steady_timer timer(co_await asio::this_coro::executor,
                                     body.delay);
            co_await timer.async_wait(asio::use_awaitable);
          } else {
            digest.fetch_add(body.spin(i, 1), std::memory_order_relaxed);
          }
          done.fetch_add(1, std::memory_order_relaxed);
        },
        asio::detached);
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  pool.clear();
  return done.load();
}

// `split`: each op's pieces spread with a nested tbb::parallel_reduce, as
// the parallel strategy splits an op's kernel.
std::size_t run_plain_tbb(const Options& o, bool split) {
  const PlainOp body = plain_op(o);
  tbb::task_arena arena(static_cast<int>(o.threads));
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> digest{0};
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, o.ops, [&](std::size_t i) {
      if (body.sleep)
        std::this_thread::sleep_for(body.delay);
      else if (split)
        digest.fetch_add(body.split_spin(i, 1), std::memory_order_relaxed);
      else
        digest.fetch_add(body.spin(i, 1), std::memory_order_relaxed);
      done.fetch_add(1, std::memory_order_relaxed);
    });
  });
  return done.load();
}

// `concurrency` threads (0: one per op) taking ops from a shared counter.
std::size_t run_plain_threads(const Options& o) {
  const PlainOp body = plain_op(o);
  const std::size_t count =
      o.concurrency == 0 ? o.ops : std::min(o.concurrency, o.ops);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> digest{0};
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (std::size_t t = 0; t < count; ++t)
    threads.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < o.ops;) {
        if (body.sleep)
          std::this_thread::sleep_for(body.delay);
        else
          digest.fetch_add(body.spin(i, 1), std::memory_order_relaxed);
        done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  for (auto& t : threads) t.join();
  return done.load();
}

// One repetition as the runner measures it (src/engine/runner.cpp,
// run_once): the same Batch, stop token and Strategy::execute.
std::size_t run_apbench(const Options& o) {
  auto& registry = apb::Registry::instance();
  const apb::WorkloadEntry& entry = registry.workload(o.workload);
  const apb::Strategy& strategy = registry.strategy(o.subject);
  if (auto reason = strategy.unsupported_reason(entry.info)) {
    std::fprintf(stderr, "%s cannot run %s: %s\n", o.subject.c_str(),
                 o.workload.c_str(), reason->c_str());
    std::exit(2);
  }
  apb::Params params(entry.info.params);
  for (const auto& [name, value] : o.params) params.set(name, value);
  apb::Load load;
  load.ops = o.ops;
  load.concurrency = o.concurrency;
  load.threads = o.threads;
  const std::size_t concurrency = strategy.effective_concurrency(load);
  auto workload = entry.make();
  const apb::RunSetup setup{.params = params,
                            .ops = o.ops,
                            .concurrency = load.requested_concurrency(),
                            .cores = o.threads,
                            .threads = o.threads,
                            .seed = 1};
  workload->setup(setup);
  const auto recording = strategy.recording(load);
  apb::Batch batch(o.ops, concurrency, o.threads, 1,
                   std::max(1u, recording.slots), recording.shared);
  std::stop_source cut;
  batch.set_stop_token(cut.get_token());
  batch.start();
  strategy.execute(entry.info, *workload, batch);
  workload->teardown();
  const apb::WorkerRecord merged = batch.merged();
  if (merged.latency.count() != merged.ok) {
    std::fprintf(stderr, "latency histogram holds %llu of %llu ops\n",
                 static_cast<unsigned long long>(merged.latency.count()),
                 static_cast<unsigned long long>(merged.ok));
    std::exit(1);
  }
  return merged.ok + batch.errors();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s SUBJECT WORKLOAD OPS [threads=T] [concurrency=C] "
                 "[name=value ...]\n"
                 "SUBJECT: an apbench strategy, plain-asio, plain-asio-pool, "
                 "plain-tbb, plain-tbb-split or plain-threads\n",
                 argv[0]);
    return 2;
  }
  Options o;
  o.subject = argv[1];
  o.workload = argv[2];
  o.ops = std::strtoull(argv[3], nullptr, 10);
  for (int i = 4; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos) {
      std::fprintf(stderr, "expected name=value, got %s\n", argv[i]);
      return 2;
    }
    if (arg.substr(0, eq) == "threads")
      o.threads = static_cast<unsigned>(std::atoi(argv[i] + eq + 1));
    else if (arg.substr(0, eq) == "concurrency")
      o.concurrency = std::strtoull(argv[i] + eq + 1, nullptr, 10);
    else
      o.params.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
  }
  std::size_t completed = 0;
  if (o.subject == "plain-asio")
    completed = run_plain_asio(o, 1);
  else if (o.subject == "plain-asio-pool")
    completed = run_plain_asio(o, o.threads);
  else if (o.subject == "plain-tbb")
    completed = run_plain_tbb(o, false);
  else if (o.subject == "plain-tbb-split")
    completed = run_plain_tbb(o, true);
  else if (o.subject == "plain-threads")
    completed = run_plain_threads(o);
  else
    completed = run_apbench(o);
  if (completed != o.ops) {
    std::fprintf(stderr, "%s completed %zu of %zu ops\n", o.subject.c_str(),
                 completed, o.ops);
    return 1;
  }
  std::printf("%s %s: %zu ops\n", o.subject.c_str(), o.workload.c_str(),
              completed);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "apbench_op_cost: %s\n", e.what());
  return 1;
}
