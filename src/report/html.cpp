// HTML reporter: the chart tool writes the page (tools/apbench_html.py);
// this file only runs it, and stands in when it cannot run at all.
#include <fmt/format.h>

#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "apbench/report.hpp"

namespace apb {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

// No chart tool run (no Python, or no time left at an interruption): the
// Markdown report as preformatted text (every table, the advice and the
// summary), and one line saying why.
void write_html_without_charts(std::ostream& out, const Results& results,
                               const std::string& why) {
  std::ostringstream markdown;
  write_markdown(markdown, results);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n<title>apbench results</title>\n<style>\n"
         "body{font-family:system-ui,sans-serif;margin:1rem auto;"
         "max-width:72rem;padding:0 1rem}\n"
         ".notice{border-left:4px solid #9a6700;background:#fff8e5;"
         "padding:.4rem .7rem}\n"
         "pre{overflow-x:auto;font-size:.8rem}\n"
         "@media print{pre{white-space:pre-wrap}}\n</style>\n</head>\n"
         "<body>\n<h1>apbench results</h1>\n"
      << fmt::format(
             "<p class=\"notice\" id=\"charts-missing\">Charts and formatted "
             "tables are left out: {}. Every table follows as Markdown "
             "text.</p>\n",
             escape(why))
      << "<pre>" << escape(markdown.str()) << "</pre>\n</body>\n</html>\n";
}

void write_html(std::ostream& out, const Results& results) {
  const ChartToolRun run = run_chart_tool(results, {}, true);
  if (run.ok) {
    out << run.html;
    return;
  }
  write_html_without_charts(
      out, results,
      run.tool.empty()  // not found: the error says what to do
          ? run.error
          : run.error +
                "; install python3 and python3-matplotlib (scripts/setup.sh "
                "does), then run again");
}

}  // namespace apb
