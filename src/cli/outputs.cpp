#include "outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "apbench/analysis.hpp"
#include "apbench/error.hpp"
#include "apbench/report.hpp"

namespace apb::cli {
namespace {

void say(const std::string& line) {
  fmt::print(stderr, "apbench: {}\n", line);
  std::fflush(stderr);
}

}  // namespace

OutputSelection outputs_of(const Options& o) {
  return {.files = o.outputs, .charts_dir = o.charts_dir, .fork_child = false};
}

Outputs::Outputs(const OutputSelection& selection) {
  for (const auto& reporter : reporters()) {
    auto it = selection.files.find(reporter.name);
    if (it == selection.files.end() || it->second.empty()) continue;
    OutputFile file(reporter.flag, it->second, reporter.write,
                    /*console_on_stdout=*/true,
                    /*pipe_ok=*/selection.fork_child);
    const auto same = [&](const OutputFile& other) {
      if (other.resolved() == file.resolved())
        throw UsageError(fmt::format(
            "{} and {} both write '{}': give each output its own file",
            other.flag(), file.flag(), file.path()));
    };
    for (const auto& other : files_) same(other);
    if (page_) same(*page_);
    if (reporter.name == "json") json_ = file.path();
    if (reporter.name == "html")
      page_.emplace(std::move(file));
    else
      files_.push_back(std::move(file));
  }
  charts_dir_ = selection.charts_dir;
  if (!charts_dir_.empty()) check_output_directory("--charts", charts_dir_);
}

void Outputs::started(const Results& results) {
  std::lock_guard lock(mutex_);
  so_far_.context = results.context;
  so_far_.slo = results.slo;
}

void Outputs::done(const RunResult& run) {
  std::lock_guard lock(mutex_);
  done_.push_back(run);
  Results snapshot = so_far_;
  snapshot.runs.insert(snapshot.runs.end(), done_.begin(), done_.end());
  write_locked(snapshot, /*final=*/false);
}

bool Outputs::finished(const RunResult& run) {
  std::lock_guard lock(mutex_);
  so_far_.runs.push_back(run);
  // A group's runs differ by strategy: that names the one done() had.
  const auto it = std::find_if(done_.begin(), done_.end(), [&](const auto& r) {
    return r.strategy == run.strategy && r.workload == run.workload;
  });
  if (it != done_.end()) {
    done_.erase(it);
    return true;
  }
  write_locked(so_far_, /*final=*/false);
  return false;
}

void Outputs::replace_runs(std::vector<RunResult> runs) {
  std::lock_guard lock(mutex_);
  so_far_.runs = std::move(runs);
  done_.clear();
  write_locked(so_far_, /*final=*/false);
}

void Outputs::early_stop(const EarlyStop& stop) {
  std::lock_guard lock(mutex_);
  so_far_.early_stops.push_back(stop);
}

std::vector<std::string> Outputs::write_files(const Results& results) {
  std::lock_guard lock(mutex_);
  return write_locked(results, /*final=*/true);
}

std::string Outputs::how_to_draw(const std::string& what) const {
  const std::string tool = chart_tool().value_or("apbench-charts");
  if (json_)
    return fmt::format("make {} from the results with: {} {} {}", what, tool,
                       *json_,
                       what == "the page" && page_ ? "--html " + page_->path()
                                                   : "--out " + charts_dir_);
  return fmt::format(
      "add --json FILE to keep results that {} RESULTS.json --html PAGE "
      "--out DIR can draw later",
      tool);
}

std::optional<std::string> Outputs::write_page_without_charts(
    const Results& results, const std::string& why) {
  const std::string how = how_to_draw("the page");
  auto error = page_->write_with([&](std::ostream& out) {
    write_html_without_charts(out, results, why + "; " + how);
  });
  if (!error) {
    page_written_ = true;
    say(fmt::format("{} '{}' written without charts: {}; {}", page_->flag(),
                    page_->path(), why, how));
  }
  return error;
}

bool Outputs::write_page_and_charts(const Results& results,
                                    const std::function<bool()>& give_up,
                                    bool verbose) {
  if (!page_ && charts_dir_.empty()) return true;
  std::vector<std::string> args;
  if (!charts_dir_.empty()) args = {"--out", charts_dir_};
  const bool html = page_ && !page_->direct();  // /dev/null needs no page
  if (!html && charts_dir_.empty()) {
    std::lock_guard lock(mutex_);
    return !page_->write_with([](std::ostream&) {});
  }
  // Outside the lock: a second signal must not wait for the tool.
  // The captions name the results file the user asked for, if any.
  const std::string name =
      json_ && *json_ != "-" ? std::filesystem::path(*json_).filename().string()
                             : "";
  const ChartToolRun run = run_chart_tool(results, args, html, give_up, name);
  if (verbose && !run.tool.empty())
    say(fmt::format("the chart tool {} ran once ({}): {} after {:.1f} s",
                    run.tool,
                    html && !charts_dir_.empty() ? "the page and the charts"
                    : html                       ? "the page"
                                                 : "the charts",
                    run.ok        ? "done"
                    : run.gave_up ? "stopped"
                                  : "failed",
                    run.seconds));
  std::lock_guard lock(mutex_);
  bool ok = true;
  if (!charts_dir_.empty() && !run.ok) {
    say(run.gave_up
            ? fmt::format("--charts '{}' not drawn: interrupted, and the "
                          "chart tool did not finish in time; {}",
                          charts_dir_, how_to_draw("the charts"))
            : fmt::format("error: --charts '{}': {}", charts_dir_, run.error));
  }
  if (!page_) return ok;
  std::optional<std::string> error;
  if (run.ok && run.missing.empty()) {
    if (html)
      error = page_->write_with([&](std::ostream& out) {
        write_html_page(out, {{"", &results}}, run.charts, "");
      });
    page_written_ = !error;
  } else if (run.gave_up) {
    error = write_page_without_charts(
        results,
        "apbench was interrupted, and the chart tool did not finish within "
        "the time an interruption allows");
  } else {
    error = page_->write_with([&](std::ostream& out) {
      write_html_without_charts(out, results, charts_missing_text(run));
    });
    page_written_ = !error;
  }
  if (error) {
    say("error: " + *error);
    ok = false;
  }
  return ok;
}

void Outputs::write_and_exit(int status) {
  mutex_.lock();
  Results results = so_far_;
  results.runs.insert(results.runs.end(), done_.begin(), done_.end());
  results.interrupted = true;
  analyse(results);
  for (const auto& error : write_locked(results, /*final=*/true))
    say("error: " + error);
  if (page_ && !page_written_ && !page_->direct())
    if (auto error = write_page_without_charts(
            results, "apbench was stopped at once, before it drew them"))
      say("error: " + *error);
  say(fmt::format("{} finished runs written", results.runs.size()));
  ::_exit(status);
}

std::vector<std::string> Outputs::write_locked(const Results& results,
                                               bool final) {
  std::vector<std::string> errors;
  if (files_.empty()) return errors;
  Results analysed;
  const Results* out = &results;
  if (!final) {  // a snapshot: analysed here, marked interrupted until
                 // the final write says otherwise
    analysed = results;
    analysed.interrupted = true;
    analyse(analysed);
    out = &analysed;
  }
  for (const auto& file : files_) {
    // A device or pipe takes one document, at the end.
    if (!final && file.direct()) continue;
    if (auto error = file.write(*out)) errors.push_back(*error);
  }
  return errors;
}

}  // namespace apb::cli
