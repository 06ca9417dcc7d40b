// Runs the chart tool (tools/apbench-charts, Python + matplotlib) on a
// Results: --charts and the HTML page's charts come from it. The results go
// to the tool through a pipe and the charts come back through another, as
// one JSON document: no temporary file, so a killed apbench leaves nothing
// behind (the tool ends at the closed pipe).
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/report.hpp"
#include "apbench_build_info.hpp"

extern char** environ;

// Defined by share/apbench/installed_chart_tool.cpp, which an install adds
// to every program built against it (apbenchConfig.cmake): where that
// install put apbench-charts. Absent (null) in apbench's own build tree.
extern "C" const char* apbench_installed_chart_tool() __attribute__((weak));

namespace apb {
namespace {

namespace fs = std::filesystem;

bool runnable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

// The first runnable apbench-charts in $PATH.
std::optional<std::string> on_path() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::string_view rest = path;
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    if (!dir.empty()) {
      const fs::path candidate = fs::path(dir) / "apbench-charts";
      if (runnable(candidate)) return candidate.string();
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// An open pipe's two ends, closed at the end of scope unless taken.
struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read = fds[0];
      write = fds[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return read >= 0; }
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

// write(2) on a pipe whose reader may be gone, without SIGPIPE (which
// would end a program that did not ignore it): EPIPE instead.
ssize_t write_quietly(int fd, const char* data, std::size_t size) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  const ssize_t n = ::write(fd, data, size);
  const int error = errno;
  if (n < 0 && error == EPIPE) {
    const timespec none{0, 0};
    sigtimedwait(&pipe_signal, nullptr, &none);  // the one just raised
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = error;
  return n;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::optional<std::string> chart_tool() {
  if (const char* env = std::getenv("APBENCH_CHARTS"); env && *env) {
    if (runnable(env)) return std::string(env);
    return std::nullopt;
  }
  if (apbench_installed_chart_tool) {
    if (const char* recorded = apbench_installed_chart_tool();
        recorded && runnable(recorded))
      return std::string(recorded);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // The binary's own prefix: bin/apbench-charts beside bin/apbench.
    for (const fs::path& candidate :
         {exe.parent_path() / "apbench-charts",
          exe.parent_path().parent_path() / "bin" / "apbench-charts"})
      if (runnable(candidate)) return candidate.string();
  }
  // A program of apbench's own build tree: the tool in its source tree. A
  // program built against an install never looks there.
  if (!apbench_installed_chart_tool && runnable(APBENCH_CHARTS_SOURCE))
    return std::string(APBENCH_CHARTS_SOURCE);
  return on_path();
}

std::string chart_tool_not_found() {
  if (const char* env = std::getenv("APBENCH_CHARTS"); env && *env)
    return std::string("APBENCH_CHARTS is '") + env +
           "', which is not an executable file";
  std::string text =
      "the chart tool apbench-charts was not found (looked at the path the "
      "install recorded, beside this program, ";
  if (!apbench_installed_chart_tool) text += "in apbench's source tree, ";
  return text +
         "and in PATH); install apbench with it, or set APBENCH_CHARTS to its "
         "path";
}

namespace {

// The tool's --page-charts document: {"missing": why or null, "charts":
// [{"source", "runs", "map", "svg", "caption"}]}.
bool read_page_charts(const std::string& text, ChartToolRun& run) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) return false;
  const auto& top = doc.as_object();
  if (const auto* missing = top.if_contains("missing");
      missing && missing->is_string())
    run.missing = std::string(missing->as_string());
  const auto* charts = top.if_contains("charts");
  if (!charts || !charts->is_array()) return false;
  for (const auto& entry : charts->as_array()) {
    if (!entry.is_object()) return false;
    const auto& o = entry.as_object();
    InlineChart chart;
    if (const auto* v = o.if_contains("source"); v && v->is_int64())
      chart.source = static_cast<std::size_t>(v->as_int64());
    if (const auto* v = o.if_contains("runs"); v && v->is_array())
      for (const auto& r : v->as_array())
        if (r.is_int64() && r.as_int64() >= 0)
          chart.runs.push_back(static_cast<std::size_t>(r.as_int64()));
    if (const auto* v = o.if_contains("map"); v && v->is_int64())
      chart.map = static_cast<std::size_t>(v->as_int64());
    if (const auto* v = o.if_contains("svg"); v && v->is_string())
      chart.svg = std::string(v->as_string());
    if (const auto* v = o.if_contains("caption"); v && v->is_string())
      chart.caption = std::string(v->as_string());
    run.charts.push_back(std::move(chart));
  }
  return true;
}

// Runs the tool with `inputs` (file paths, or "-" with `input` on its
// standard input) and `args`; with `inline_charts`, reads the charts back.
ChartToolRun run_tool(const std::string& input,
                      const std::vector<std::string>& inputs,
                      const std::vector<std::string>& args, bool inline_charts,
                      const std::function<bool()>& give_up) {
  ChartToolRun run;
  const auto start = std::chrono::steady_clock::now();
  const auto tool = chart_tool();
  if (!tool) {
    run.error = chart_tool_not_found();
    return run;
  }
  run.tool = *tool;
  const bool html = inline_charts;
  std::string page;  // the tool's standard output

  std::vector<std::string> argv_text = {*tool};
  argv_text.insert(argv_text.end(), inputs.begin(), inputs.end());
  argv_text.push_back("--quiet");
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  if (html) {
    argv_text.push_back("--page-charts");
    argv_text.push_back("-");
  }
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  Pipe in, out;
  if (!in.ok() || !out.ok()) {
    run.error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
  if (html)
    posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  else  // nothing to say on apbench's stdout, where the console report is
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                     O_WRONLY, 0);
  // In a process group of its own: a terminal's Ctrl-C reaches apbench,
  // which decides whether the tool may finish.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    run.error = "cannot run " + *tool + ": " + std::strerror(spawned);
    return run;
  }
  in.close_read();
  out.close_write();
  ::fcntl(in.write, F_SETFL, ::fcntl(in.write, F_GETFL) | O_NONBLOCK);
  if (!html) out.close_read();

  // Feed the results, collect the page, and give up when asked to.
  std::size_t fed = 0;
  if (input.empty()) in.close_write();
  char buffer[65536];
  bool stopped = false;
  while (in.write >= 0 || out.read >= 0) {
    if (give_up && give_up()) {
      stopped = true;
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (in.write >= 0) fds[n++] = {in.write, POLLOUT, 0};
    if (out.read >= 0) fds[n++] = {out.read, POLLIN, 0};
    const int ready = ::poll(fds, n, 20);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    for (nfds_t k = 0; k < n; ++k) {
      if (fds[k].revents == 0) continue;
      if (fds[k].fd == in.write) {
        const ssize_t w =
            write_quietly(in.write, input.data() + fed, input.size() - fed);
        if (w > 0) fed += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || fed == input.size())
          in.close_write();  // done, or the tool stopped reading
      } else {
        const ssize_t r = ::read(out.read, buffer, sizeof buffer);
        if (r > 0)
          page.append(buffer, static_cast<std::size_t>(r));
        else if (r == 0 || (errno != EAGAIN && errno != EINTR))
          out.close_read();
      }
    }
  }
  if (stopped) ::kill(-pid, SIGKILL);
  int status = 0;
  while (true) {
    const pid_t waited = ::waitpid(pid, &status, stopped ? 0 : WNOHANG);
    if (waited == pid || (waited < 0 && errno != EINTR)) break;
    if (waited == 0) {  // its pipes are closed, it is ending
      if (give_up && give_up()) {
        stopped = true;
        ::kill(-pid, SIGKILL);
      } else {
        ::usleep(5000);
      }
    }
  }
  run.seconds = seconds_since(start);
  if (stopped) {
    run.gave_up = true;
    run.error = *tool + " was stopped before it finished";
    return run;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    run.error = *tool + " failed (exit " +
                (WIFEXITED(status) ? std::to_string(WEXITSTATUS(status))
                                   : std::string("by a signal")) +
                ")";
    return run;
  }
  if (html && !read_page_charts(page, run)) {
    run.error = *tool + " wrote no charts for the page";
    run.charts.clear();
    return run;
  }
  run.ok = true;
  return run;
}

}  // namespace

ChartToolRun run_chart_tool(const Results& results,
                            const std::vector<std::string>& args,
                            bool inline_charts,
                            const std::function<bool()>& give_up,
                            const std::string& source_name) {
  std::ostringstream json;
  write_json(json, results);
  std::vector<std::string> all = args;
  if (!source_name.empty()) {
    all.push_back("--name");
    all.push_back(source_name);
  }
  return run_tool(std::move(json).str(), {"-"}, all, inline_charts, give_up);
}

ChartToolRun run_chart_tool_on_files(const std::vector<std::string>& files,
                                     const std::vector<std::string>& args,
                                     bool inline_charts) {
  return run_tool("", files, args, inline_charts, {});
}

}  // namespace apb
