#pragma once
// The output files a session writes (--json, --csv, --markdown, --html, ...
// and --charts DIR). Every file but the HTML page is rewritten as soon as
// a run is done, before the next starts, so a killed process loses at most
// the runs in progress; each write replaces its file atomically. The page
// and the charts need the chart tool (Python, a second or more), so they
// are drawn once: at the end, or at an interruption within its time budget
// (when that runs out, the page is written without charts and a line says
// how to draw them from the JSON).
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "apbench/results.hpp"
#include "options.hpp"
#include "output_file.hpp"

namespace apb::cli {

// Which files a session writes: from the command line, or what a process
// of --forks is told (its JSON only, into its parent's pipe).
struct OutputSelection {
  std::map<std::string, std::string> files;  // reporter name -> path
  std::string charts_dir;                    // --charts DIR, or empty
  bool fork_child = false;                   // the JSON path is a pipe
};

// The outputs the command line asks for (--json FILE, ..., --charts DIR).
OutputSelection outputs_of(const Options& options);

class Outputs {
 public:
  // Checks every output asked for before anything runs, so a bad path
  // fails fast (UsageError); two outputs resolving to the same file are
  // refused.
  explicit Outputs(const OutputSelection& selection);

  void started(const Results& results);
  // A run is done (its group may still be measuring): every file but the
  // page is rewritten with it.
  void done(const RunResult& run);
  // The plan appended `run` to its results (after its whole group);
  // returns whether done() had it already (else it is written now).
  bool finished(const RunResult& run);
  // Every run measured so far at once (the processes of --forks, merged).
  void replace_runs(std::vector<RunResult> runs);
  void early_stop(const EarlyStop& stop);

  // The end: every file but the page, with the final (analysed) results;
  // returns the errors, one line each.
  std::vector<std::string> write_files(const Results& results);
  // Then the page and the charts, from one run of the chart tool.
  // `give_up` is polled while it runs: true (an interruption's time is
  // up) stops it, and the page is written without charts. Says on stderr
  // what was not drawn and how to draw it; `verbose`: also which tool
  // drew them and how long it took. Returns false after a failed write.
  bool write_page_and_charts(const Results& results,
                             const std::function<bool()>& give_up,
                             bool verbose);

  // From the signal watcher's thread (a second signal, or a run that does
  // not stop): writes what was measured so far, marked interrupted, the
  // page without charts unless it is written already, and exits without
  // returning (holding the lock, so the session writes nothing after it).
  [[noreturn]] void write_and_exit(int status);

 private:
  std::vector<std::string> write_locked(const Results& results, bool final);
  // The page without charts, and the line saying why on stderr.
  std::optional<std::string> write_page_without_charts(const Results& results,
                                                       const std::string& why);
  std::string how_to_draw(const std::string& what) const;

  std::mutex mutex_;
  std::vector<OutputFile> files_;    // every one but the page
  std::optional<OutputFile> page_;   // --html
  std::string charts_dir_;           // --charts
  std::optional<std::string> json_;  // --json, to draw from later
  Results so_far_;
  std::vector<RunResult> done_;  // done, not yet in so_far_.runs
  bool page_written_ = false;
};

}  // namespace apb::cli
