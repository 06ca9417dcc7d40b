#include "forks.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <thread>

#include "apbench/error.hpp"
#include "apbench/merge.hpp"
#include "apbench/results_json.hpp"
#include "apbench/units.hpp"

extern char** environ;

namespace apb::cli {
namespace {

constexpr const char* kVariable = "APBENCH_FORK";
constexpr unsigned kAutoMinRepetitions = 5;
constexpr unsigned kAutoMaxForks = 10;
constexpr int kResultsFd = 3;  // a process writes its JSON there

// APBENCH_FORK=INDEX/COUNT;REPETITIONS;PARENT_PID;JSON_PATH (the path last:
// it may hold any character but NUL).
std::string child_variable(unsigned index, unsigned count, unsigned reps,
                           const std::string& path) {
  return fmt::format("{}={}/{};{};{};{}", kVariable, index, count, reps,
                     ::getpid(), path);
}

// What the plan does that a process on its own would do differently.
std::string why_not_forked(const Plan& plan) {
  for (const Sweep& s : plan.sweeps) {
    if (s.points.size() > 1)
      return "a sweep (each process would stop early and find its knee on "
             "its own)";
    for (const Load& l : s.points)
      if (l.shards > 1) return "--shard (a shard is one process already)";
  }
  if (plan.start_at_unix_s)
    return "--start-at (only the first process could start then)";
  return "";
}

}  // namespace

std::optional<ForkChild> fork_child_from_environment() {
  const char* value = std::getenv(kVariable);
  if (!value) return std::nullopt;
  const std::string text = value;
  ForkChild c;
  unsigned long parent = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%u/%u;%u;%lu;%n", &c.index, &c.count,
                  &c.repetitions, &parent, &used) != 4 ||
      used <= 0 || c.count == 0 || c.index >= c.count || c.repetitions == 0)
    throw UsageError(fmt::format(
        "{} is set to '{}', which apbench sets itself for the processes of "
        "--forks: unset it",
        kVariable, text));
  c.json_path = text.substr(static_cast<std::size_t>(used));
  c.parent = static_cast<pid_t>(parent);
  return c;
}

void ForkChild::take_share(Plan& plan) const {
  for (Sweep& s : plan.sweeps) s.settings.repetitions = repetitions;
}

OutputSelection ForkChild::outputs() const {
  return {.files = {{"json", json_path}}, .charts_dir = "", .fork_child = true};
}

void ForkChild::die_with_parent() const {
  // Killed with SIGKILL, the parent cannot stop its process: the kernel
  // sends SIGTERM, which the signal watcher (set up by now) turns into
  // "stop and write" like any SIGTERM; the write then fails on the closed
  // pipe, and nothing is left behind.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) std::_Exit(143);  // gone already
}

unsigned fork_count(const Options& o, const Plan& plan) {
  unsigned reps = 0;
  for (const Sweep& s : plan.sweeps)
    reps = std::max(reps, s.settings.repetitions);
  const std::string blocker = why_not_forked(plan);
  if (!o.forks || *o.forks == "auto") {
    if (!blocker.empty() || reps < kAutoMinRepetitions) return 1;
    return std::min(reps, kAutoMaxForks);
  }
  std::int64_t n = 0;
  try {
    n = parse_integer(*o.forks);
  } catch (const UsageError&) {
    n = -1;
  }
  if (n < 1 || n > 100)
    throw UsageError(fmt::format(
        "bad value '{}' for --forks: expected auto or 1..100", *o.forks));
  const auto forks = static_cast<unsigned>(n);
  if (forks == 1) return 1;
  if (!blocker.empty())
    throw UsageError(
        fmt::format("--forks {} cannot measure {}: leave --forks out or give 1",
                    forks, blocker));
  if (forks > reps)
    throw UsageError(fmt::format(
        "--forks {} needs at least {} repetitions (each process measures one "
        "or more); --repetitions is {}",
        forks, forks, reps));
  return forks;
}

ForkOutcome run_forks(
    const std::vector<std::string>& argv, unsigned forks, unsigned repetitions,
    const SignalWatcher& signals,
    const std::function<void(unsigned, const std::vector<Results>&)>& done) {
  ForkOutcome outcome;
  std::error_code ec;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("--forks: cannot find this executable: {}", ec.message()));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  for (unsigned k = 0; k < forks && !signals.received(); ++k) {
    const unsigned reps = repetitions / forks + (k < repetitions % forks);
    // The results come back through a pipe on the process's descriptor 3,
    // so no file is left anywhere whoever is killed.
    int pipe[2];
    if (::pipe2(pipe, O_CLOEXEC) != 0)
      throw std::runtime_error(
          fmt::format("--forks: pipe: {}", std::strerror(errno)));
    std::vector<std::string> env_strings{
        child_variable(k, forks, reps, fmt::format("/dev/fd/{}", kResultsFd))};
    std::vector<char*> env{env_strings.front().data()};
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "APBENCH_FORK=", 13) != 0) env.push_back(*e);
    env.push_back(nullptr);

    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    // The console tables are the parent's, of all processes together.
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&files, pipe[1], kResultsFd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group: a Ctrl-C reaches the parent alone, which
    // passes it on once.
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, exe.c_str(), &files, &attr,
                                      args.data(), env.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    ::close(pipe[1]);
    if (spawned != 0) {
      ::close(pipe[0]);
      throw std::runtime_error(fmt::format("--forks: cannot start '{}': {}",
                                           exe.string(),
                                           std::strerror(spawned)));
    }
    // Read while waiting: a results file is larger than a pipe holds.
    std::string json;
    int status = 0;
    bool passed_on = false, open = true, exited = false;
    while (open || !exited) {
      if (open) {
        pollfd p{pipe[0], POLLIN, 0};
        if (::poll(&p, 1, 10) > 0) {
          char buffer[65536];
          const ssize_t n = ::read(pipe[0], buffer, sizeof buffer);
          if (n > 0)
            json.append(buffer, static_cast<std::size_t>(n));
          else if (n == 0 || errno != EINTR)
            open = false;
        }
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (!exited) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) exited = true;
        if (r < 0 && errno != EINTR) {
          ::close(pipe[0]);
          throw std::runtime_error(
              fmt::format("--forks: waitpid: {}", std::strerror(errno)));
        }
      }
      if (const int signal = signals.received();
          signal && !passed_on && !exited) {
        ::kill(pid, signal);
        passed_on = true;
      }
    }
    ::close(pipe[0]);
    if (!json.empty()) {
      try {
        std::istringstream in(json);
        outcome.parts.push_back(
            read_json(in, fmt::format("the results of process {}", k + 1)));
        if (done) done(k, outcome.parts);
      } catch (const std::exception& e) {
        fmt::print(stderr, "apbench: error: process {} of {}: {}\n", k + 1,
                   forks, e.what());
        outcome.status = 1;
      }
    }
    if (outcome.status != 0) break;
    if (WIFEXITED(status)) {
      const int code = WEXITSTATUS(status);
      if (code == 0 || (code > 128 && signals.received())) continue;
      outcome.status = code == 2 ? 2 : 1;
    } else {
      fmt::print(stderr,
                 "apbench: error: process {} of {} ended by signal {} ({}); "
                 "the repetitions it measured are lost\n",
                 k + 1, forks, WTERMSIG(status), strsignal(WTERMSIG(status)));
      outcome.status = 1;
    }
    break;
  }
  return outcome;
}

namespace {

// The runs of --forks's processes so far: each run's repetitions done
// against the `reps` asked of all processes, started or not.
void mark_repetitions(std::vector<RunResult>& runs, unsigned reps) {
  for (RunResult& r : runs) {
    if (r.status == RunStatus::not_applicable) continue;
    r.repetitions_requested = reps;
    r.interrupted = r.repetitions.size() < reps;
  }
}

}  // namespace

int measure_in_processes(const std::vector<std::string>& argv, unsigned forks,
                         const Plan& plan, Results& results, Outputs& outputs,
                         const SignalWatcher& signals, bool quiet,
                         bool verbose) {
  unsigned reps = 0;
  for (const Sweep& s : plan.sweeps)
    reps = std::max(reps, s.settings.repetitions);
  if (!quiet)
    fmt::print(stderr,
               "apbench: {} repetitions in {} fresh processes, one after "
               "another (--forks)\n",
               reps, forks);
  Results merged;  // of the processes so far, after each one
  const ForkOutcome outcome =
      run_forks(argv, forks, reps, signals,
                [&](unsigned k, const std::vector<Results>& parts) {
                  merged = merge_processes(parts);
                  std::vector<RunResult> so_far = merged.runs;
                  mark_repetitions(so_far, reps);
                  outputs.replace_runs(std::move(so_far));
                  if (verbose)
                    fmt::print(stderr, "apbench: process {} of {} finished\n",
                               k + 1, forks);
                });
  if (!outcome.parts.empty()) {
    results.runs = std::move(merged.runs);
    results.early_stops = std::move(merged.early_stops);
    results.interrupted = merged.interrupted;
  }
  results.context.processes = static_cast<unsigned>(outcome.parts.size());
  if (outcome.parts.size() < forks) results.interrupted = true;
  mark_repetitions(results.runs, reps);
  return outcome.status;
}

}  // namespace apb::cli
