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

#include "apbench/busy_work.hpp"
#include "apbench/context.hpp"
#include "apbench/error.hpp"
#include "apbench/findings.hpp"
#include "apbench/report.hpp"
#include "apbench/units.hpp"
#include "list.hpp"
#include "plan.hpp"

namespace apb::cli {
namespace {

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

// An output file, opened before anything runs so a bad path fails fast.
struct Output {
  std::string flag;
  std::string path;
  std::unique_ptr<std::ofstream> file;
  void (*write)(std::ostream&, const Results&);
};

std::vector<Output> open_outputs(const Options& o) {
  std::vector<Output> outs;
  auto add = [&](const char* flag, const std::string& path,
                 void (*write)(std::ostream&, const Results&)) {
    if (path.empty()) return;
    auto file = std::make_unique<std::ofstream>(path);
    if (!*file)
      throw UsageError(fmt::format("cannot write {} '{}': {}", flag, path,
                                   std::strerror(errno)));
    outs.push_back({flag, path, std::move(file), write});
  };
  add("--json", o.json, write_json);
  add("--csv", o.csv, write_csv);
  add("--markdown", o.markdown, write_markdown);
  return outs;
}

class Progress {
 public:
  Progress(bool live, bool verbose, std::size_t runs)
      : live_(live),
        verbose_(verbose),
        runs_(runs),
        start_(std::chrono::steady_clock::now()) {}

  void update(std::size_t run, const RunRequest& r, unsigned rep,
              unsigned total) const {
    if (!live_) return;
    const bool warm = rep < r.warmup;
    fmt::print(stderr, "\r\033[K[{}/{}] {} · {} · {} {}/{} · {} elapsed",
               run + 1, runs_, r.workload->info.name, r.strategy->name(),
               warm ? "warm-up" : "repetition",
               warm ? rep + 1 : rep - r.warmup + 1,
               warm ? r.warmup : total - r.warmup, format_duration(elapsed()));
  }
  void clear() const {
    if (live_) fmt::print(stderr, "\r\033[K");
  }
  void finished(std::size_t run, const RunResult& result) const {
    clear();
    if (!verbose_) return;
    fmt::print(stderr, "[{}/{}] {} · {}: {} {}\n", run + 1, runs_,
               result.workload, result.strategy, to_string(result.status),
               result.status == RunStatus::ok
                   ? format_duration(result.wall_s.median)
                   : result.reason);
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }
  bool live_, verbose_;
  std::size_t runs_;
  std::chrono::steady_clock::time_point start_;
};

bool same_group(const RunRequest& a, const RunRequest& b) {
  return a.workload == b.workload && a.params.values() == b.params.values() &&
         a.load.ops == b.load.ops && a.load.concurrency == b.load.concurrency &&
         a.load.threads == b.load.threads && a.repetitions == b.repetitions &&
         a.warmup == b.warmup && a.seed == b.seed;
}

void write_all(Results& results, std::vector<Output>& outputs, bool color) {
  compute_speedups(results.runs);
  results.summary = findings(results.runs);
  write_console(std::cout, results, color);
  std::cout.flush();
  for (auto& out : outputs) {
    out.write(*out.file, results);
    out.file->flush();
    if (!*out.file)
      fmt::print(stderr, "apbench: error: writing {} '{}' failed\n", out.flag,
                 out.path);
  }
}

}  // namespace

int run_session(const Options& o, const std::string& command_line) {
  if (o.list) {
    print_list(std::cout);
    return 0;
  }
  const Plan plan = plan_from_options(o);
  auto outputs = open_outputs(o);

  Results results;
  results.context = current_context(command_line);
  const bool tty = isatty(STDERR_FILENO) != 0;
  const bool color = !o.no_color && isatty(STDOUT_FILENO) != 0;
  const Progress progress(tty && !o.quiet, o.verbose, plan.runs.size());
  if (plan.default_suite && !o.quiet)
    fmt::print(stderr,
               "apbench: running the default suite ({} runs, about a minute; "
               "see --help to choose your own)\n",
               plan.runs.size());

  // Calibrate busy work now, before any run's threads exist: a oneTBB
  // worker still spinning on the other core would slow the timing.
  busy_iterations_per_second();

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  // Strategies of the same workload, parameters and load are measured as a
  // group, their repetitions interleaved (see run_group).
  for (std::size_t first = 0; first < plan.runs.size();) {
    if (interrupted.load()) break;
    std::size_t last = first + 1;
    while (last < plan.runs.size() &&
           same_group(plan.runs[first], plan.runs[last]))
      ++last;
    const std::vector<RunRequest> group(plan.runs.begin() + first,
                                        plan.runs.begin() + last);
    std::vector<RunResult> measured;
    try {
      measured = run_group(
          group,
          [&](const RunRequest& r, std::size_t index, unsigned rep,
              unsigned total) {
            progress.update(first + index, r, rep, total);
          },
          [] { return interrupted.load(); });
    } catch (const UsageError&) {
      progress.clear();
      write_all(results, outputs, color);  // keep what was measured
      throw;
    }
    for (std::size_t i = 0; i < measured.size(); ++i) {
      progress.finished(first + i, measured[i]);
      results.runs.push_back(std::move(measured[i]));
    }
    first = last;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  write_all(results, outputs, color);
  if (interrupted.load()) {
    fmt::print(stderr,
               "apbench: interrupted after {} of {} runs; results so "
               "far were written\n",
               results.runs.size(), plan.runs.size());
    return 130;
  }
  return 0;
}

}  // namespace apb::cli
