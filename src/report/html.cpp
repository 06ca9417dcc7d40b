// HTML reporter: one self-contained page whose tables and text are the
// console's and the Markdown report's cells (report/cells.hpp), in HTML
// markup; the chart tool only draws the charts, which the page inlines.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/units.hpp"
#include "report/cells.hpp"
#include "text/quantities.hpp"

namespace apb {
namespace {

using report_detail::measured;

std::string html_escape(std::string_view text) {
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

bool is_unit_at(std::string_view text, std::size_t at) {
  static constexpr std::string_view units[] = {
      "%",   "ns",  "us",  "ms",    "s",      "x",      "B",
      "KiB", "MiB", "GiB", "ops/s", "kops/s", "Mops/s", "Gops/s"};
  for (std::string_view unit : units) {
    if (text.substr(at, unit.size()) != unit) continue;
    const std::size_t end = at + unit.size();
    // The whole unit, not the start of a word ("s" of "strategies").
    if (end == text.size() ||
        !(std::isalnum(static_cast<unsigned char>(text[end])) ||
          text[end] == '/' || text[end] == '_'))
      return true;
  }
  return false;
}

// Escaped running text: a number and its unit never part at a line break
// ("88.8 %" is not split after "88.8").
std::string prose(std::string_view text) {
  std::string joined;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' && i > 0 &&
        std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
        is_unit_at(text, i + 1)) {
      joined += "\u00a0";
      continue;
    }
    joined += text[i];
  }
  return html_escape(joined);
}

constexpr std::string_view kStyle = R"(
:root { --fg: #1b1b1b; --dim: #5b5b5b; --rule: #d8d8d8; --best: #1a7f37;
  --warn: #9a6700; --fail: #cf222e; --bg-head: #f3f4f6; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto,
  "DejaVu Sans", sans-serif; color: var(--fg); margin: 0 auto;
  padding: 1rem; max-width: 84rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.3rem; padding-top: 0.6rem;
  border-top: 2px solid var(--rule); overflow-wrap: anywhere; }
.facts, .context, .legend { color: var(--dim); font-size: 0.9rem;
  overflow-wrap: anywhere; }
.context dl { display: grid; grid-template-columns: max-content 1fr;
  gap: 0.1rem 0.8rem; margin: 0.3rem 0; }
.context dt { font-weight: 600; }
.context dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
code { font-family: "DejaVu Sans Mono", ui-monospace, monospace;
  font-size: 0.85em; overflow-wrap: anywhere; }
.notice { border-left: 4px solid var(--warn); background: #fff8e5;
  padding: 0.4rem 0.7rem; margin: 0.8rem 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.84rem; margin: 0.4rem 0;
  font-variant-numeric: tabular-nums; }
th, td { padding: 0.25rem 0.45rem; border-bottom: 1px solid var(--rule);
  white-space: nowrap; text-align: right; }
th { background: var(--bg-head); font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
tr.best td { color: var(--best); font-weight: 600; }
td.status { text-align: left; white-space: normal; }
.failed { color: var(--fail); } .na { color: var(--warn); }
ul.items { padding-left: 1.2rem; margin: 0.4rem 0; }
ul.items li { margin: 0.15rem 0; overflow-wrap: anywhere; }
li.diagnosis, li.warning { color: var(--warn); }
li.error { color: var(--fail); }
.advice { border-left: 4px solid var(--best); background: #eef8f0;
  padding: 0.4rem 0.7rem; margin: 0.6rem 0; }
figure { margin: 0.8rem 0; }
figure svg { width: 100%; max-width: 54rem; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 0.85rem; }
nav ol { columns: 2 18rem; padding-left: 1.4rem; margin: 0.3rem 0; }
.summary li { overflow-wrap: anywhere; }
.summary li ul { margin: 0.2rem 0; }
@media (max-width: 40rem) {
  body { padding: 0.6rem; }
  table { font-size: 0.8rem; }
}
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-inside: auto; }
  figure, table, .advice { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
)";

constexpr std::string_view kLegend =
    "wall: median over repetitions; 95% CI: of the mean wall time; "
    "speed-up: against sequential; efficiency: ideal / wall; CPU: share of "
    "all cores; p50/p99/max: latency of one op (open loop: from when the op "
    "was due; service: from when it started); ctx sw: voluntary / "
    "involuntary context switches per repetition; errors: failed ops (share "
    "of the ops that finished). Throughput, speed-up and fastest count only "
    "the ops that succeeded.";

// The console's column titles, shortened as it shortens them.
const std::vector<std::string>& html_closed_loop_titles() {
  static const std::vector<std::string> titles = {
      "strategy",       "wall median", "95% CI", "speed-up", "efficiency",
      "throughput",     "p50",         "p99",    "max",      "CPU",
      "ctx sw vol/inv", "peak mem",    "errors"};
  return titles;
}

struct Cell {
  std::string html;  // escaped markup
  std::string attributes;
};
using Row = std::vector<Cell>;

std::string table(const std::vector<std::string>& titles,
                  const std::vector<Row>& rows,
                  const std::vector<std::string>& row_classes = {}) {
  std::string out = "<div class=\"scroll\"><table><thead><tr>";
  for (const auto& t : titles)
    out += "<th scope=\"col\">" + html_escape(t) + "</th>";
  out += "</tr></thead><tbody>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string& cls = i < row_classes.size() ? row_classes[i] : "";
    out += cls.empty() ? "<tr>" : "<tr class=\"" + cls + "\">";
    for (const Cell& cell : rows[i])
      out += "<td" + cell.attributes + ">" + cell.html + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

Cell text_cell(std::string_view text) { return {html_escape(text), ""}; }

std::string run_rows(const std::vector<const RunResult*>& runs) {
  const bool open = runs.front()->load.open();
  const bool errors = report_detail::any_errors(runs);
  const auto& all_titles =
      open ? report_detail::open_loop_titles() : html_closed_loop_titles();
  const auto order =
      open ? report_detail::column_order(all_titles.size(), errors,
                                         report_detail::kAchievedColumn,
                                         report_detail::kOpenErrorsColumn)
           : report_detail::column_order(all_titles.size(), errors,
                                         report_detail::kThroughputColumn,
                                         report_detail::kErrorsColumn);
  std::vector<std::string> titles;
  for (std::size_t i : order) titles.push_back(all_titles.at(i));
  const RunResult* best = open ? nullptr : report_detail::fastest(runs);
  std::vector<Row> rows;
  std::vector<std::string> classes;
  for (const RunResult* run : runs) {
    if (!measured(*run)) {
      const std::string status(to_string(run->status));
      std::string text = "<strong>" + html_escape(status) + "</strong>";
      if (!run->reason.empty()) text += " \u2014 " + html_escape(run->reason);
      rows.push_back({text_cell(run->strategy),
                      {text, fmt::format(" class=\"status {}\" colspan=\"{}\"",
                                         status == "failed" ? "failed" : "na",
                                         titles.size() - 1)}});
      classes.emplace_back();
      continue;
    }
    const std::string name =
        run == best ? run->strategy + " (fastest)" : run->strategy;
    const auto cells =
        open ? report_detail::open_loop_cells(*run, name)
             : report_detail::measured_cells(
                   *run, name, {.interval = "{} \u2013 {}", .pair = "{} / {}"});
    Row row;
    for (std::size_t i : order)
      row.push_back(text_cell(i < cells.size() ? cells[i] : std::string()));
    rows.push_back(std::move(row));
    classes.push_back(run == best ? "best" : "");
  }
  return table(titles, rows, classes);
}

// Warnings, stages, diagnoses, errors and notes under a table: the
// Markdown report's list, in the same words.
std::string run_items(const std::vector<const RunResult*>& runs) {
  std::vector<std::pair<std::string, std::string>> items;  // class, text
  const auto differing = report_detail::differing_checksums(runs);
  if (!differing.empty()) {
    std::string list;
    for (const RunResult* run : differing)
      list += (list.empty() ? "" : ", ") + run->strategy + " " +
              checksum_text(*run->checksum);
    items.emplace_back(
        "warning", "warning: strategies computed different checksums: " + list);
  }
  for (const RunResult* run : runs)
    if (run->checksum_mismatch)
      items.emplace_back(
          "warning",
          fmt::format("warning: {}: repetitions computed different checksums",
                      run->strategy));
  for (const RunResult* run : runs)
    if (auto text = report_detail::stages_text(*run); !text.empty())
      items.emplace_back(
          "stages", fmt::format("stages per op, {}: {}", run->strategy, text));
  if (const auto fj = report_detail::fork_join_text(runs)) {
    std::string item = "fork-join: " + fj->tree;
    if (!fj->per_task.empty()) item += "; overhead per task:";
    for (std::size_t i = 0; i < fj->per_task.size(); ++i)
      item += (i == 0 ? " " : ", ") + fj->per_task[i];
    items.emplace_back("stages", item);
  }
  for (const RunResult* run : runs)
    for (const auto& d : run->diagnoses)
      items.emplace_back("diagnosis", fmt::format("{}: {}: {}", run->strategy,
                                                  d.kind, d.message));
  for (const RunResult* run : runs) {
    if (run->errors == 0 && run->error_messages.empty()) continue;
    const auto messages = report_detail::messages_by_count(*run);
    std::string item =
        fmt::format("errors in {}: {} failed op{}", run->strategy, run->errors,
                    run->errors == 1 ? "" : "s");
    if (run->errors > 0)
      item += fmt::format(", {} of {}", format_error_rate(error_rate(*run)),
                          run->errors + ops_succeeded(*run));
    const std::size_t shown =
        std::min(messages.size(), report_detail::kMaxErrorMessages);
    for (std::size_t i = 0; i < shown; ++i)
      item += fmt::format("{} {} x {}", i == 0 ? ":" : ";", messages[i].second,
                          messages[i].first);
    if (messages.size() > shown)
      item += fmt::format("; and {} more", messages.size() - shown);
    items.emplace_back("error", item);
  }
  std::string notes;
  for (const auto& note : report_detail::table_notes(runs)) {
    notes += (notes.empty() ? "" : "; ") + note.name + "=" + note.value;
    if (note.strategy) notes += " (" + *note.strategy + ")";
  }
  if (!notes.empty()) items.emplace_back("note", "note: " + notes);
  if (items.empty()) return "";
  std::string out = "<ul class=\"items\">";
  for (const auto& [cls, text] : items)
    out += "<li class=\"" + cls + "\">" + prose(text) + "</li>";
  return out + "</ul>";
}

std::vector<std::string> table_facts(
    const std::vector<const RunResult*>& runs) {
  const RunResult& first = *runs.front();
  std::vector<std::string> facts;
  facts.push_back(fmt::format("{} ops", first.load.ops));
  if (first.load.open())
    facts.push_back(fmt::format(
        "open loop at {} for {} ({} arrivals, at most {} in flight)",
        report_detail::ops_rate(first.load.rate),
        format_duration(first.load.duration_s), to_string(first.load.arrival),
        first.load.max_in_flight));
  else
    facts.push_back("concurrency " + report_detail::concurrency_text(first));
  if (const RunResult* sample = report_detail::first_measured(runs))
    facts.push_back(report_detail::repetitions_text(*sample));
  std::string params;
  for (const auto& [name, value] : first.params)
    params += (params.empty() ? "" : " ") + name + "=" + value;
  if (!params.empty()) facts.push_back(params);
  if (auto ideal = report_detail::first_ideal(runs))
    facts.push_back("ideal " + format_duration(*ideal));
  if (auto sum = report_detail::agreed_checksum(runs))
    facts.push_back("checksum " + checksum_text(*sum));
  return facts;
}

// A curve (a sweep, or a regime map's grid): its table and footnotes.
std::string curve_body(const report_detail::CurveTable& curve) {
  std::vector<Row> rows;
  for (const auto& row : curve.rows) {
    Row cells;
    for (const auto& cell : row) cells.push_back(text_cell(cell));
    rows.push_back(std::move(cells));
  }
  std::string out = table(curve.header, rows);
  if (!curve.footnotes.empty()) {
    out += "<ul class=\"items\">";
    for (const auto& note : curve.footnotes)
      out += "<li class=\"note\">" + prose(note) + "</li>";
    out += "</ul>";
  }
  return out;
}

std::string context_block(const RunContext& c) {
  std::string rows;
  auto add = [&](std::string_view label, const std::string& value) {
    if (!value.empty())
      rows += "<dt>" + html_escape(label) + "</dt><dd>" + html_escape(value) +
              "</dd>";
  };
  add("date", c.date);
  add("host", c.host);
  if (c.cores > 0) add("cores", std::to_string(c.cores));
  add("CPU", c.cpu_model);
  add("OS", c.os);
  add("compiler", c.compiler);
  add("build", c.build_type);
  add("apbench", c.apbench_version);
  std::string libraries;
  for (const auto& [name, version] : c.libraries)
    libraries += (libraries.empty() ? "" : ", ") + name + " " + version;
  add("libraries", libraries);
  if (!c.command_line.empty())
    rows += "<dt>command</dt><dd><code>" + html_escape(c.command_line) +
            "</code></dd>";
  return "<div class=\"context\"><dl>" + rows + "</dl></div>";
}

// Lines indented by the analysis are points about the line above them.
std::string summary_list(const std::vector<std::string>& lines) {
  std::string out = "<ul class=\"summary\">";
  bool nested_open = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool nested = i > 0 && lines[i].starts_with("  ");
    std::string_view text = lines[i];
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (nested && !nested_open) {
      out.resize(out.size() - std::string_view("</li>").size());
      out += "<ul>";
      nested_open = true;
    } else if (!nested && nested_open) {
      out += "</ul></li>";
      nested_open = false;
    }
    out += "<li>" + prose(text) + "</li>";
  }
  if (nested_open) out += "</ul></li>";
  return out + "</ul>";
}

std::string figure(const InlineChart& chart, std::size_t number) {
  return fmt::format(
      "<figure id=\"chart-{}\">{}<figcaption>{}</figcaption>"
      "</figure>",
      number, chart.svg, prose(chart.caption));
}

// One section of the page: a table of runs, a sweep's curve, or a map.
struct Section {
  std::string title;
  std::vector<std::string> facts;
  std::string body;
  std::string nav;  // the table of contents' line
  std::vector<const InlineChart*> charts;
};

// Every section of one results file, in the order the Markdown report
// writes them, and the charts placed under the section they show.
std::vector<Section> sections_of(const Results& results, std::size_t source,
                                 const std::vector<InlineChart>& charts,
                                 std::vector<bool>& placed) {
  std::vector<Section> sections;
  std::vector<int> section_of_run(results.runs.size(), -1);
  std::vector<int> curve_of;
  const auto curves = report_detail::curve_tables(results, curve_of);
  std::vector<int> section_of_curve(curves.size(), -1);
  for (const auto& runs : report_detail::group_tables(results.runs)) {
    const auto first =
        static_cast<std::size_t>(runs.front() - results.runs.data());
    if (const int c = curve_of.at(first); c >= 0) {
      auto& at = section_of_curve[static_cast<std::size_t>(c)];
      if (at < 0) {
        at = static_cast<int>(sections.size());
        const auto& curve = curves[static_cast<std::size_t>(c)];
        sections.push_back(
            {curve.title, {}, curve_body(curve), curve.title, {}});
      }
      for (const RunResult* run : runs)
        section_of_run[static_cast<std::size_t>(run - results.runs.data())] =
            at;
      continue;
    }
    Section s;
    const RunResult& head = *runs.front();
    s.title = fmt::format("{} ({})", head.workload, to_string(head.kind));
    s.facts = table_facts(runs);
    s.nav = s.title + ": " + s.facts[0] + ", " + s.facts[1];
    s.body = run_rows(runs) + run_items(runs);
    for (const auto& a : results.advice)
      if (a.first_run == first)
        s.body += "<p class=\"advice\"><strong>advice:</strong> " +
                  prose(a.text) + "</p>";
    for (const RunResult* run : runs)
      section_of_run[static_cast<std::size_t>(run - results.runs.data())] =
          static_cast<int>(sections.size());
    sections.push_back(std::move(s));
  }
  const std::size_t first_map = sections.size();
  for (const RegimeMap& map : results.maps) {
    const auto curve = report_detail::map_table(results, map);
    sections.push_back({curve.title, {}, curve_body(curve), curve.title, {}});
  }
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const InlineChart& chart = charts[i];
    if (chart.source != source) continue;
    int at = -1;
    if (chart.map) {
      if (*chart.map < results.maps.size())
        at = static_cast<int>(first_map + *chart.map);
    } else {
      for (std::size_t run : chart.runs)
        if (run < section_of_run.size() && section_of_run[run] >= 0) {
          at = section_of_run[run];
          break;
        }
    }
    if (at < 0) continue;
    sections[static_cast<std::size_t>(at)].charts.push_back(&chart);
    placed[i] = true;
  }
  return sections;
}

}  // namespace

void write_html_page(std::ostream& out, const std::vector<HtmlSource>& sources,
                     const std::vector<InlineChart>& charts,
                     const std::string& notice) {
  std::vector<bool> placed(charts.size(), false);
  std::string body, nav;
  std::size_t section_number = 0, chart_number = 0;
  auto write_section = [&](const Section& s) {
    const std::string anchor = fmt::format("group-{}", ++section_number);
    nav += "<li><a href=\"#" + anchor + "\">" + prose(s.nav) + "</a></li>";
    std::string facts;
    for (const auto& f : s.facts)
      facts += (facts.empty() ? "" : " \u00b7 ") + prose(f);
    body += "<section id=\"" + anchor + "\"><h2>" + prose(s.title) + "</h2>";
    if (!facts.empty()) body += "<p class=\"facts\">" + facts + "</p>";
    body += s.body;
    for (const InlineChart* chart : s.charts)
      body += figure(*chart, ++chart_number);
    body += "</section>\n";
  };
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Results& results = *sources[i].results;
    if (sources.size() > 1)
      body +=
          "<h2>" +
          html_escape(sources[i].name.empty() ? fmt::format("results {}", i + 1)
                                              : sources[i].name) +
          "</h2>\n";
    body += context_block(results.context) + "\n";
    if (const std::string w = report_detail::unoptimized_warning(results);
        !w.empty())
      body += "<p class=\"notice\">" + prose(w) + "</p>\n";
    if (results.runs.empty()) body += "<p>No runs.</p>\n";
    for (const Section& s : sections_of(results, i, charts, placed))
      write_section(s);
    if (!results.summary.empty())
      body += "<section id=\"summary" +
              (sources.size() > 1 ? fmt::format("-{}", i + 1) : "") +
              "\"><h2>Summary</h2>" + summary_list(results.summary) +
              "</section>\n";
  }
  // A chart the tool drew for no section here (never expected): shown, not
  // lost.
  Section rest{"Other charts", {}, "", "Other charts", {}};
  for (std::size_t i = 0; i < charts.size(); ++i)
    if (!placed[i]) rest.charts.push_back(&charts[i]);
  if (!rest.charts.empty()) write_section(rest);

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n<title>apbench results</title>\n<style>"
      << kStyle
      << "</style>\n</head>\n<body>\n<header><h1>apbench results</h1>\n";
  if (!notice.empty())
    out << "<p class=\"notice\" id=\"charts-missing\">" << prose(notice)
        << "</p>\n";
  out << "<p class=\"legend\">" << html_escape(kLegend) << "</p>\n";
  if (!nav.empty()) out << "<nav><ol>" << nav << "</ol></nav>\n";
  out << "</header>\n<main>\n" << body << "</main>\n</body>\n</html>\n";
}

void write_html_without_charts(std::ostream& out, const Results& results,
                               const std::string& why) {
  write_html_page(out, {{"", &results}}, {},
                  "Charts are left out: " + why + ". Every table is here.");
}

std::string charts_missing_text(const ChartToolRun& run) {
  if (!run.missing.empty())
    return "this Python cannot import matplotlib (" + run.missing +
           "); install the Debian package python3-matplotlib (scripts/"
           "setup.sh does) or pip install matplotlib, then run again";
  if (run.tool.empty()) return run.error;  // not found: it says what to do
  return run.error +
         "; install python3 and python3-matplotlib (scripts/setup.sh does), "
         "then run again";
}

void write_html(std::ostream& out, const Results& results) {
  const ChartToolRun run = run_chart_tool(results, {}, true);
  if (run.ok && run.missing.empty()) {
    write_html_page(out, {{"", &results}}, run.charts, "");
    return;
  }
  write_html_without_charts(out, results, charts_missing_text(run));
}

}  // namespace apb
