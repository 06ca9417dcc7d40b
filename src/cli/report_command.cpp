// `apbench report RESULTS.json... --html PAGE`: saved results written again
// by any reporter (the console's, Markdown, the HTML page...), the same
// code a run writes them with. Several files make one HTML page, a part per
// file.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>

#include "apbench/analysis.hpp"
#include "apbench/error.hpp"
#include "apbench/read_results.hpp"
#include "apbench/report.hpp"
#include "output_file.hpp"
#include "subcommands.hpp"

namespace apb::cli {
namespace {

constexpr const char* kReportFooter = R"(
Examples:
  apbench report results.json                      # the console report again
  apbench report results.json --html results.html  # the page, charts inline
  apbench report small.json big.json --html both.html
Exit status: 0; 1 when an output cannot be written; 2 for bad input.)";

int report(int argc, char** argv) {
  CLI::App app("Write saved results again, with any reporter.",
               "apbench report");
  app.footer(kReportFooter);
  app.get_formatter()->column_width(30);
  std::vector<std::string> files;
  bool no_color = false, quiet = false;
  std::map<std::string, std::string> outputs;
  app.add_option("files", files, "results files of apbench --json")
      ->type_name("FILE...");
  for (const auto& reporter : reporters())
    app.add_option(reporter.flag, outputs[reporter.name], reporter.help)
        ->type_name("FILE");
  app.add_flag("--quiet,-q", quiet, "no console report on stdout");
  app.add_flag("--no-color", no_color, "plain console output without colours");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr,
               "apbench report: error: {} (see apbench report --help)\n",
               e.what());
    return 2;
  }
  if (files.empty()) throw UsageError("needs results files (RESULTS.json...)");

  std::vector<OutputFile> out;
  std::optional<OutputFile> page;
  for (const auto& reporter : reporters()) {
    const std::string& path = outputs[reporter.name];
    if (path.empty()) continue;
    if (reporter.name != "html" && files.size() > 1)
      throw UsageError(fmt::format(
          "{} writes one results file, and {} were given (--html takes "
          "several: one page)",
          reporter.flag, files.size()));
    OutputFile file(reporter.flag, path, reporter.write,
                    /*console_on_stdout=*/!quiet);
    for (const auto& other : out)
      if (other.resolved() == file.resolved())
        throw UsageError(fmt::format(
            "{} and {} both write '{}': give each output its own file",
            other.flag(), file.flag(), file.path()));
    if (reporter.name == "html")
      page.emplace(std::move(file));
    else
      out.push_back(std::move(file));
  }

  std::vector<Results> all;
  // The file keeps runs and series; the advice, maps and summary are
  // derived again, as after a run or a merge.
  for (const auto& file : files) {
    all.push_back(read_json_file(file));
    analyse(all.back());
  }
  if (!quiet) {
    for (const auto& results : all)
      write_console(std::cout, results,
                    !no_color && isatty(STDOUT_FILENO) != 0);
    std::cout.flush();
  }
  int status = 0;
  for (const auto& file : out)
    if (const auto error = file.write(all.front())) {
      fmt::print(stderr, "apbench report: error: {}\n", *error);
      status = 1;
    }
  if (page) {
    // The chart tool reads the files itself: its captions name them.
    const ChartToolRun run = run_chart_tool_on_files(files, {}, true);
    std::vector<HtmlSource> sources;
    for (std::size_t i = 0; i < files.size(); ++i)
      sources.push_back(
          {std::filesystem::path(files[i]).filename().string(), &all[i]});
    const bool drawn = run.ok && run.missing.empty();
    if (!drawn)
      fmt::print(stderr, "apbench report: {} written without charts: {}\n",
                 page->path(), charts_missing_text(run));
    const auto error = page->write_with([&](std::ostream& stream) {
      write_html_page(
          stream, sources, drawn ? run.charts : std::vector<InlineChart>{},
          drawn ? std::string()
                : "Charts are left out: " + charts_missing_text(run) +
                      ". Every table is here.");
    });
    if (error) {
      fmt::print(stderr, "apbench report: error: {}\n", *error);
      status = 1;
    }
  }
  return status;
}

}  // namespace

int run_report(int argc, char** argv) { return report(argc, argv); }

}  // namespace apb::cli
