// apbench compare as text: the console table (100 columns) and Markdown.
// Both say the same numbers in the same words (the cells below).
#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

#include "apbench/compare_report.hpp"
#include "apbench/units.hpp"
#include "text/quantities.hpp"

namespace apb {
namespace {

constexpr std::size_t kWidth = 100;

std::string params_text(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  return out;
}

std::string load_text(const Load& load) {
  if (load.open())
    return fmt::format("open, {} for {}, {}, {} threads",
                       format_ops_rate(load.rate),
                       format_duration(load.duration_s),
                       to_string(load.arrival), load.threads);
  return fmt::format("closed, {} ops, concurrency {}, {} threads", load.ops,
                     load.requested_concurrency(), load.threads);
}

std::string identity_text(const RunIdentity& r) {
  const std::string params = params_text(r.params);
  return fmt::format("{}{}{} · {} · {}", r.workload, params.empty() ? "" : " ",
                     params, r.strategy, load_text(r.load));
}

std::string group_title(const RunComparison& c) {
  const std::string params = params_text(c.run.params);
  return fmt::format("{}{}{} · {}", c.run.workload, params.empty() ? "" : "  ",
                     params, load_text(c.run.load));
}

std::string ratio_cell(const RunComparison& c) {
  if (!c.p_value) return fmt::format("{:.3f}", c.ratio);
  return fmt::format("{:.3f} [{:.3f}-{:.3f}]", c.ratio, c.ci95_low,
                     c.ci95_high);
}

// The p the verdict is on (adjusted over the file's tests); "-" for a row
// not tested (too few repetitions, not measured).
std::string p_cell(const RunComparison& c) {
  if (!c.p_adjusted) return "-";
  if (*c.p_adjusted < 0.001) return "<0.001";
  return fmt::format("{:.3f}", *c.p_adjusted);
}

std::string tests_text(std::size_t m) {
  return fmt::format("{} test{}", m, m == 1 ? "" : "s");
}

// "verdict at Holm-adjusted p < 0.05 over 42 tests beyond ±5 %": what the
// verdicts compare, for the heading of a table.
std::string verdict_rule(const FileComparison& f, const CompareOptions& o) {
  return fmt::format(
      "verdict at {} p < {} over {} beyond ±{}{}",
      o.p_adjust == PAdjust::holm ? "Holm-adjusted" : "unadjusted", o.alpha,
      tests_text(f.tests), format_percent(o.threshold),
      o.p_adjust == PAdjust::holm ? "" : " (--p-adjust none)");
}

std::string verdict_cell(const RunComparison& c) {
  return c.verdict == Verdict::too_few ? "too few"
                                       : std::string(to_string(c.verdict));
}

std::string knee_text(const std::optional<Knee>& knee) {
  if (!knee) return "none";
  std::string at;
  if (knee->offered_rate_ops_s)
    at = fmt::format(" at {} offered",
                     format_ops_rate(*knee->offered_rate_ops_s));
  else if (knee->concurrency)
    at = fmt::format(" at concurrency {}", *knee->concurrency);
  return fmt::format("{}{}", format_ops_rate(knee->throughput_ops_s), at);
}

std::string change_text(double base, double candidate) {
  if (base <= 0) return "";
  return fmt::format(" ({:.3f}x)", candidate / base);
}

// Lines of at most `width` columns, each starting with `indent`.
std::vector<std::string> wrap_indented(const std::string& text,
                                       std::size_t indent, std::size_t width) {
  std::vector<std::string> lines;
  std::string line(indent, ' ');
  std::size_t used = indent;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    // UTF-8 continuation bytes take no column.
    std::size_t cols = 0;
    for (unsigned char ch : word) cols += (ch & 0xC0) != 0x80;
    if (used > indent && used + 1 + cols > width) {
      lines.push_back(line);
      line.assign(indent, ' ');
      used = indent;
    }
    if (used > indent) {
      line += ' ';
      ++used;
    }
    line += word;
    used += cols;
    start = end + 1;
  }
  if (used > indent) lines.push_back(line);
  return lines;
}

void print_wrapped(std::ostream& out, const std::string& text,
                   std::size_t indent) {
  for (const auto& line : wrap_indented(text, indent, kWidth))
    out << line << '\n';
}

void console_file(std::ostream& out, const FileComparison& f,
                  const CompareOptions& options, bool color) {
  const auto paint = [color](std::string_view style, const std::string& s) {
    return color ? fmt::format("{}{}\x1b[0m", style, s) : s;
  };
  print_wrapped(out,
                fmt::format("apbench compare: {} (new) against {} (base)",
                            f.candidate_source, f.base_source),
                0);
  print_wrapped(out, "ratio = new / base time of the medians (above 1: slower)",
                2);
  print_wrapped(out, verdict_rule(f, options), 2);
  for (const auto& d : f.context_differences)
    print_wrapped(out,
                  paint("\x1b[33m", fmt::format("warning: {} differs: '{}' "
                                                "(base) vs '{}' (new)",
                                                d.field, d.base, d.candidate)),
                  0);
  for (const auto& u : f.unfit)
    print_wrapped(out, paint("\x1b[33m", "warning: " + u), 0);
  for (const auto& u : f.noise)
    print_wrapped(out, paint("\x1b[33m", "warning: " + u), 0);
  for (const auto& u : f.one_process) print_wrapped(out, "note: " + u, 0);

  std::string title;
  for (const auto& c : f.runs) {
    const std::string t = group_title(c);
    if (t != title) {
      title = t;
      out << '\n';
      print_wrapped(out, paint("\x1b[1m", t), 0);
      out << fmt::format(
          "  {:<12} {:<4} {:>3}  {:>9}  {:>12}  {:>9}  {:<19}  "
          "{:>6}  {}\n",
          "strategy", "", "n", "wall", "throughput", "p99",
          "new/base [95 % CI]", "p", "verdict");
    }
    // Nothing measured on either side (n/a, failed): one line, no zeros.
    if (c.verdict == Verdict::not_measured && c.base.repetitions == 0 &&
        c.candidate.repetitions == 0) {
      print_wrapped(out,
                    fmt::format("{:<12} {}", c.run.strategy,
                                c.note.empty() ? "not measured" : c.note),
                    2);
      continue;
    }
    out << fmt::format("  {:<12} {:<4} {:>3}  {:>9}  {:>12}  {:>9}\n",
                       c.run.strategy, "base", c.base.repetitions,
                       format_duration(c.base.wall_s),
                       format_ops_rate(c.base.throughput_ops_s),
                       format_duration(c.base.p99_s));
    std::string verdict = verdict_cell(c);
    if (c.verdict == Verdict::slower || c.verdict == Verdict::more_errors)
      verdict = paint("\x1b[1;31m", verdict);
    if (c.verdict == Verdict::faster) verdict = paint("\x1b[1;32m", verdict);
    out << fmt::format(
        "  {:<12} {:<4} {:>3}  {:>9}  {:>12}  {:>9}  {:<19}  {:>6}  {}\n", "",
        "new", c.candidate.repetitions, format_duration(c.candidate.wall_s),
        format_ops_rate(c.candidate.throughput_ops_s),
        format_duration(c.candidate.p99_s), ratio_cell(c), p_cell(c), verdict);
    if (c.metric != "wall_s")
      print_wrapped(out, "note: open loop, judged on throughput", 4);
    if (!c.note.empty()) print_wrapped(out, "note: " + c.note, 4);
  }

  if (!f.series.empty()) {
    out << '\n';
    print_wrapped(out,
                  paint("\x1b[1m",
                        "Sweeps: knee (highest throughput meeting "
                        "the SLO) and maximum throughput"),
                  0);
    for (const auto& s : f.series) {
      const std::string params = params_text(s.params);
      print_wrapped(
          out,
          fmt::format("{}{}{} · {} · over {}", s.workload,
                      params.empty() ? "" : "  ", params, s.strategy,
                      s.x == "concurrency" ? "concurrency" : "offered rate"),
          2);
      std::string knee_change;
      if (s.base_knee && s.candidate_knee)
        knee_change = change_text(s.base_knee->throughput_ops_s,
                                  s.candidate_knee->throughput_ops_s);
      print_wrapped(
          out,
          fmt::format("knee: base {}, new {}{}", knee_text(s.base_knee),
                      knee_text(s.candidate_knee), knee_change),
          4);
      print_wrapped(
          out,
          fmt::format("max throughput: base {}, new {}{}",
                      format_ops_rate(s.base_max_throughput_ops_s),
                      format_ops_rate(s.candidate_max_throughput_ops_s),
                      change_text(s.base_max_throughput_ops_s,
                                  s.candidate_max_throughput_ops_s)),
          4);
    }
  }

  const auto only = [&](const std::vector<RunIdentity>& runs,
                        const std::string& file) {
    if (runs.empty()) return;
    out << '\n';
    print_wrapped(
        out,
        fmt::format("Only in {} ({} runs, not compared):", file, runs.size()),
        0);
    for (const auto& r : runs) print_wrapped(out, identity_text(r), 2);
  };
  only(f.only_in_base, f.base_source);
  only(f.only_in_candidate, f.candidate_source);

  std::size_t slower = 0, faster = 0, same = 0, few = 0, unmeasured = 0,
              errors = 0;
  for (const auto& c : f.runs) {
    errors += c.verdict == Verdict::more_errors;
    slower += c.verdict == Verdict::slower;
    faster += c.verdict == Verdict::faster;
    same += c.verdict == Verdict::no_change;
    few += c.verdict == Verdict::too_few;
    unmeasured += c.verdict == Verdict::not_measured;
  }
  out << '\n';
  std::string summary = fmt::format(
      "Summary: {} slower, {} faster, {} no change, {} "
      "with too few repetitions to judge",
      slower, faster, same, few);
  if (errors > 0)
    summary += fmt::format(", {} with more errors (a regression)", errors);
  if (unmeasured > 0)
    summary += fmt::format(", {} not measured (n/a or failed)", unmeasured);
  print_wrapped(out, summary, 0);
}

std::string md_cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

void write_compare_console(std::ostream& out, const Comparison& comparison,
                           bool color) {
  for (std::size_t i = 0; i < comparison.files.size(); ++i) {
    if (i > 0) out << '\n';
    console_file(out, comparison.files[i], comparison.options, color);
  }
}

void write_compare_markdown(std::ostream& out, const Comparison& comparison) {
  const CompareOptions& o = comparison.options;
  for (const auto& f : comparison.files) {
    out << fmt::format("## `{}` against `{}`\n\n", f.candidate_source,
                       f.base_source);
    out << fmt::format(
        "Ratio: new / base time of the medians (above 1: slower), with the "
        "95 % interval from the repetitions; p: two-sided Mann-Whitney U{}; "
        "{}.\n\n",
        o.p_adjust == PAdjust::holm
            ? fmt::format(", Holm-adjusted so that noise alone flags any row "
                          "with a chance of at most {}",
                          o.alpha)
            : std::string(" of each row on its own"),
        verdict_rule(f, o));
    for (const auto& d : f.context_differences)
      out << fmt::format("- **{} differs**: `{}` (base) vs `{}` (new)\n",
                         d.field, d.base, d.candidate);
    for (const auto& u : f.unfit) out << fmt::format("- **unfit**: {}\n", u);
    for (const auto& u : f.noise) out << fmt::format("- **noise**: {}\n", u);
    for (const auto& u : f.one_process)
      out << fmt::format("- **one process**: {}\n", u);
    if (!f.context_differences.empty() || !f.unfit.empty() ||
        !f.noise.empty() || !f.one_process.empty())
      out << '\n';
    if (!f.runs.empty()) {
      out << "| workload | load | strategy | n base/new | wall base | wall new "
             "| throughput base | throughput new | p99 base | p99 new | "
             "new/base [95 % CI] | p | verdict |\n";
      out << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
      std::vector<std::string> notes;
      for (const auto& c : f.runs) {
        const std::string params = params_text(c.run.params);
        std::string verdict = verdict_cell(c);
        if (c.verdict == Verdict::slower || c.verdict == Verdict::faster ||
            c.verdict == Verdict::more_errors)
          verdict = "**" + verdict + "**";
        if (!c.note.empty()) {
          notes.push_back(c.note);
          verdict += fmt::format(" [{}]", notes.size());
        }
        out << fmt::format(
            "| {}{}{} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} | {} | "
            "{} "
            "| {} |\n",
            md_cell(c.run.workload), params.empty() ? "" : " ", md_cell(params),
            md_cell(load_text(c.run.load)), c.run.strategy, c.base.repetitions,
            c.candidate.repetitions, format_duration(c.base.wall_s),
            format_duration(c.candidate.wall_s),
            format_ops_rate(c.base.throughput_ops_s),
            format_ops_rate(c.candidate.throughput_ops_s),
            format_duration(c.base.p99_s), format_duration(c.candidate.p99_s),
            ratio_cell(c), p_cell(c), verdict);
      }
      if (!notes.empty()) out << '\n';
      for (std::size_t i = 0; i < notes.size(); ++i)
        out << fmt::format("[{}] {}  \n", i + 1, md_cell(notes[i]));
      out << '\n';
    }
    if (!f.series.empty()) {
      out << "| sweep | strategy | knee base | knee new | max throughput base "
             "| max throughput new |\n|---|---|---|---|---|---|\n";
      for (const auto& s : f.series)
        out << fmt::format("| {} {} over {} | {} | {} | {} | {} | {} |\n",
                           s.workload, md_cell(params_text(s.params)), s.x,
                           s.strategy, knee_text(s.base_knee),
                           knee_text(s.candidate_knee),
                           format_ops_rate(s.base_max_throughput_ops_s),
                           format_ops_rate(s.candidate_max_throughput_ops_s));
      out << '\n';
    }
    for (const auto& r : f.only_in_base)
      out << fmt::format("- only in base: {}\n", md_cell(identity_text(r)));
    for (const auto& r : f.only_in_candidate)
      out << fmt::format("- only in new: {}\n", md_cell(identity_text(r)));
    if (!f.only_in_base.empty() || !f.only_in_candidate.empty()) out << '\n';
  }
}

}  // namespace apb
