// Runs the chart tool (tools/apbench-charts, Python + matplotlib) on a
// Results: the HTML page and --charts come from it, so the charts and the
// page have one implementation.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "apbench/report.hpp"
#include "apbench_build_info.hpp"

extern char** environ;

namespace apb {
namespace {

namespace fs = std::filesystem;

bool runnable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

// A temporary folder, removed with everything in it at the end of scope.
class TempDir {
 public:
  TempDir() {
    // With the pid: what a killed apbench leaves, the next one removes
    // (src/cli/temp_folders.hpp).
    std::string pattern =
        (fs::temp_directory_path() /
         ("apbench-charts-" + std::to_string(getpid()) + "-XXXXXX"))
            .string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::optional<std::string> chart_tool() {
  if (const char* env = std::getenv("APBENCH_CHARTS"); env && *env) {
    if (runnable(env)) return std::string(env);
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  // Installed: bin/apbench-charts beside bin/apbench.
  if (!ec && runnable(exe.parent_path() / "apbench-charts"))
    return (exe.parent_path() / "apbench-charts").string();
  for (const char* known : {APBENCH_CHARTS_SOURCE, APBENCH_CHARTS_INSTALLED})
    if (runnable(known)) return std::string(known);
  return std::nullopt;
}

ChartToolRun run_chart_tool(const Results& results,
                            const std::vector<std::string>& args, bool html) {
  ChartToolRun run;
  const auto tool = chart_tool();
  if (!tool) {
    run.error =
        "the chart tool apbench-charts was not found (set APBENCH_CHARTS to "
        "its path)";
    return run;
  }
  TempDir dir;
  if (dir.path().empty()) {
    run.error =
        std::string("cannot make a temporary folder: ") + std::strerror(errno);
    return run;
  }
  const fs::path json = dir.path() / "results.json";
  {
    std::ofstream file(json);
    write_json(file, results);
    if (!file.flush()) {
      run.error = "cannot write " + json.string();
      return run;
    }
  }
  const fs::path page = dir.path() / "page.html";
  std::vector<std::string> argv_text = {*tool, json.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  if (html) {
    argv_text.push_back("--html");
    argv_text.push_back(page.string());
  }
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The tool's "wrote ..." line would land in the console report: its
  // stdout goes nowhere; its warnings and errors reach stderr.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    run.error = "cannot run " + *tool + ": " + std::strerror(spawned);
    return run;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    run.error = *tool + " failed (exit " +
                (WIFEXITED(status) ? std::to_string(WEXITSTATUS(status))
                                   : std::string("by a signal")) +
                ")";
    return run;
  }
  if (html) {
    std::ifstream in(page, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      run.error = "cannot read the page the chart tool wrote";
      return run;
    }
    run.html = std::move(text).str();
  }
  run.ok = true;
  return run;
}

}  // namespace apb
