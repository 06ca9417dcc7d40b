#include "session.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "apbench/analysis.hpp"
#include "apbench/context.hpp"
#include "apbench/cpu_affinity.hpp"
#include "apbench/error.hpp"
#include "apbench/plan.hpp"
#include "apbench/report.hpp"
#include "apbench/units.hpp"
#include "list.hpp"
#include "noise_watch.hpp"
#include "plan.hpp"
#include "terminal_width.hpp"

namespace apb::cli {
namespace {

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

// An output file, opened before anything runs so a bad path fails fast.
struct Output {
  std::string flag;
  std::string path;
  std::unique_ptr<std::ofstream> file;
  std::function<void(std::ostream&, const Results&)> write;
};

std::vector<Output> open_outputs(const Options& o) {
  std::vector<Output> outs;
  for (const auto& reporter : reporters()) {
    auto it = o.outputs.find(reporter.name);
    if (it == o.outputs.end() || it->second.empty()) continue;
    auto file = std::make_unique<std::ofstream>(it->second);
    if (!*file)
      throw UsageError(fmt::format("cannot write {} '{}': {}", reporter.flag,
                                   it->second, std::strerror(errno)));
    outs.push_back(
        {reporter.flag, it->second, std::move(file), reporter.write});
  }
  return outs;
}

// The live progress line (a terminal only) and --verbose's log of runs.
// Work is counted in repetitions, warm-ups included, for the ETA.
class Progress {
 public:
  Progress(bool live, bool verbose, std::size_t runs, std::size_t units)
      : live_(live),
        verbose_(verbose),
        runs_(runs),
        units_(units),
        start_(std::chrono::steady_clock::now()) {}

  // `in_group`: the run's place in its group, whose runs are measured
  // together (interleaved repetitions), so each shows its own number.
  void update(const RunRequest& r, std::size_t in_group, unsigned rep,
              unsigned total) {
    ++units_done_;
    if (!live_) return;
    const bool warm = rep < r.warmup;
    std::string point;
    if (r.load.open())
      point = fmt::format(" · {}", format_rate(r.load.rate));
    else if (r.load.concurrency > 0)
      point = fmt::format(" · concurrency {}", r.load.concurrency);
    std::string eta;
    const double done = static_cast<double>(units_done_ - 1);
    if (done > 0 && units_ > units_done_ - 1)
      eta = fmt::format(
          " · ETA {}",
          format_duration(elapsed() / done *
                          static_cast<double>(units_ - units_done_ + 1)));
    fmt::print(
        stderr, "\r\033[K[{}/{}] {}{} · {} · {} {}/{} · {} elapsed{}",
        std::min(runs_done_ + in_group + 1, runs_), runs_,
        r.workload->info.name, point, r.strategy->name(),
        warm ? "warm-up" : "repetition", warm ? rep + 1 : rep - r.warmup + 1,
        warm ? r.warmup : total - r.warmup, format_duration(elapsed()), eta);
  }
  void clear() const {
    if (live_) fmt::print(stderr, "\r\033[K");
  }
  void finished(const RunResult& result) {
    ++runs_done_;
    clear();
    if (!verbose_) return;
    std::string point;
    if (result.load.open())
      point = fmt::format(" at {}", format_rate(result.load.rate));
    std::string outcome = result.reason;
    if (result.status == RunStatus::ok) {
      outcome = result.load.open()
                    ? fmt::format("{} achieved, p99 {}",
                                  format_rate(result.throughput_ops_s.median),
                                  format_duration(result.latency_s.p99))
                    : format_duration(result.wall_s.median);
    }
    fmt::print(stderr, "[{}/{}] {}{} · {}: {} {}\n", runs_done_, runs_,
               result.workload, point, result.strategy,
               to_string(result.status), outcome);
  }
  // A strategy left a sweep early: its remaining points will not run.
  void skipped(std::size_t runs, std::size_t units) {
    runs_ -= std::min(runs, runs_);
    units_ -= std::min(units, units_);
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }
  bool live_, verbose_;
  std::size_t runs_, units_;
  std::size_t runs_done_ = 0, units_done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

void write_all(Results& results, std::vector<Output>& outputs,
               const ConsoleOptions& console, const std::string& charts_dir) {
  analyse(results);
  write_console(std::cout, results, console);
  std::cout.flush();
  for (auto& out : outputs) {
    out.write(*out.file, results);
    out.file->flush();
    if (!*out.file)
      fmt::print(stderr, "apbench: error: writing {} '{}' failed\n", out.flag,
                 out.path);
  }
  if (!charts_dir.empty()) {
    const auto run = run_chart_tool(results, {"--out", charts_dir}, false);
    if (!run.ok)
      fmt::print(stderr, "apbench: error: --charts '{}': {}\n", charts_dir,
                 run.error);
  }
}

}  // namespace

int run_session(const Options& o, const std::string& command_line) {
  if (o.list) {
    print_list(std::cout, terminal_width());
    return 0;
  }
  // Before the plan: its default threads are the CPUs apbench may use.
  if (o.cpus) pin_to_cpus(*o.cpus);
  const Plan plan = plan_from_options(o);
  auto outputs = open_outputs(o);

  Results results;
  results.context = current_context(command_line);
  const bool tty = isatty(STDERR_FILENO) != 0;
  const ConsoleOptions console{
      .color = !o.no_color && isatty(STDOUT_FILENO) != 0,
      .width = terminal_width(),
      .wide = o.wide};
  Progress progress(tty && !o.quiet, o.verbose, plan.run_count(),
                    plan.repetition_count());
  if (!o.selects_runs() && !o.quiet)
    fmt::print(stderr,
               "apbench: running the default suite ({} runs, about a minute; "
               "see --help to choose your own):\n"
               "  waits one after another vs all at once, async vs parallel "
               "on CPU work,\n"
               "  and a service that fetches, then processes each request\n",
               plan.run_count());

  PlanCallbacks callbacks;
  callbacks.repetition = [&](const RunRequest& r, std::size_t in_group,
                             unsigned rep, unsigned total) {
    progress.update(r, in_group, rep, total);
  };
  NoiseWatch noise(results.context);
  callbacks.finished = [&](const RunResult& r) {
    progress.finished(r);
    const std::string warning = noise.finished(r);
    if (!warning.empty()) fmt::print(stderr, "{}", warning);
  };
  callbacks.skipped = [&](const EarlyStop&, std::size_t runs,
                          std::size_t repetitions) {
    progress.skipped(runs, repetitions);
  };
  callbacks.stop_requested = [] { return interrupted.load(); };

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  try {
    run_plan(plan, results, callbacks);
  } catch (const UsageError&) {
    progress.clear();
    write_all(results, outputs, console,
              o.charts_dir);  // keep what was measured
    throw;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  write_all(results, outputs, console, o.charts_dir);
  if (interrupted.load()) {
    fmt::print(stderr,
               "apbench: interrupted after {} of {} runs; results so "
               "far were written\n",
               results.runs.size(), plan.run_count());
    return 130;
  }
  return 0;
}

}  // namespace apb::cli
