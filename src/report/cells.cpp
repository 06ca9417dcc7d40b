#include "report/cells.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "apbench/comparison_key.hpp"
#include "apbench/units.hpp"
#include "text/quantities.hpp"

namespace apb::report_detail {
namespace {

bool same_table(const RunResult& a, const RunResult& b) {
  return comparison_key(a) == comparison_key(b);
}

}  // namespace

bool measured(const RunResult& run) {
  // A shard that got no ops ran none: its status row says so.
  return run.status == RunStatus::ok && run.wall_s.n > 0 && run.load.ops > 0;
}

std::vector<std::vector<const RunResult*>> group_tables(
    const std::vector<RunResult>& runs) {
  std::vector<std::vector<const RunResult*>> tables;
  for (const RunResult& run : runs) {
    if (tables.empty() || !same_table(*tables.back().front(), run))
      tables.emplace_back();
    tables.back().push_back(&run);
  }
  return tables;
}

const RunResult* fastest(const std::vector<const RunResult*>& runs) {
  std::vector<const RunResult*> candidates;
  for (const RunResult* run : runs)
    if (measured(*run) && goodput_wall_s(*run) > 0) candidates.push_back(run);
  if (candidates.size() < 2) return nullptr;
  const RunResult* best = nullptr;
  for (const RunResult* run : contenders(candidates))
    if (!best || goodput_wall_s(*run) < goodput_wall_s(*best)) best = run;
  return best;
}

const RunResult* first_measured(const std::vector<const RunResult*>& runs) {
  for (const RunResult* run : runs)
    if (measured(*run)) return run;
  return nullptr;
}

std::optional<double> first_ideal(const std::vector<const RunResult*>& runs) {
  for (const RunResult* run : runs)
    if (run->ideal_s) return run->ideal_s;
  return std::nullopt;
}

std::optional<std::uint64_t> agreed_checksum(
    const std::vector<const RunResult*>& runs) {
  std::optional<std::uint64_t> agreed;
  for (const RunResult* run : runs) {
    if (!run->checksum) continue;
    if (agreed && *agreed != *run->checksum) return std::nullopt;
    agreed = run->checksum;
  }
  return agreed;
}

std::vector<const RunResult*> differing_checksums(
    const std::vector<const RunResult*>& runs) {
  std::vector<const RunResult*> with_sum;
  if (agreed_checksum(runs)) return with_sum;
  for (const RunResult* run : runs)
    if (run->checksum) with_sum.push_back(run);
  return with_sum;
}

bool any_errors(const std::vector<const RunResult*>& runs) {
  return std::any_of(runs.begin(), runs.end(), [](const RunResult* run) {
    return measured(*run) && run->errors > 0;
  });
}

std::vector<std::size_t> errors_beside_speed(std::vector<std::size_t> order,
                                             std::size_t speed,
                                             std::size_t errors) {
  order.erase(std::remove(order.begin(), order.end(), errors), order.end());
  const auto at = std::find(order.begin(), order.end(), speed);
  order.insert(at == order.end() ? at : at + 1, errors);
  return order;
}

std::vector<std::size_t> column_order(std::size_t columns, bool errors,
                                      std::size_t speed,
                                      std::size_t errors_column) {
  std::vector<std::size_t> order(columns);
  for (std::size_t i = 0; i < columns; ++i) order[i] = i;
  return errors ? errors_beside_speed(order, speed, errors_column) : order;
}

std::string errors_text(const RunResult& run) {
  if (run.errors == 0) return "0";
  return fmt::format("{} ({})", run.errors, format_error_rate(error_rate(run)));
}

std::string percent(double fraction) { return format_percent(fraction); }

std::string ops_rate(double per_second) { return format_ops_rate(per_second); }

std::string ratio(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return "-";
  return fmt::format("{:.2f}x", *value);
}

// Medians of whole counts can fall halfway; only then show a decimal.
std::string count(double value) {
  if (!std::isfinite(value)) return "-";
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.1f}", value);
}

// 0 and "as many as ops" both mean every op is in flight at once.
std::string concurrency_text(const RunResult& run) {
  const std::size_t requested = run.load.requested_concurrency();
  if (requested == 0 || requested == run.load.ops) return "all";
  return std::to_string(requested);
}

std::string repetitions_text(const RunResult& run) {
  std::string text = fmt::format("{} repetition{}", run.wall_s.n,
                                 run.wall_s.n == 1 ? "" : "s");
  if (run.warmup > 0) text += fmt::format(" + {} warm-up", run.warmup);
  return text;
}

std::vector<std::pair<std::string, std::uint64_t>> messages_by_count(
    const RunResult& run) {
  std::vector<std::pair<std::string, std::uint64_t>> messages(
      run.error_messages.begin(), run.error_messages.end());
  std::stable_sort(
      messages.begin(), messages.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  return messages;
}

std::vector<TableNote> table_notes(const std::vector<const RunResult*>& runs) {
  std::map<std::string, std::vector<std::string>> values_by_name;
  for (const RunResult* run : runs) {
    for (const auto& [name, value] : run->notes) {
      auto& values = values_by_name[name];
      if (std::find(values.begin(), values.end(), value) == values.end())
        values.push_back(value);
    }
  }
  std::vector<TableNote> notes;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const RunResult* run : runs) {
    for (const auto& note : run->notes) {
      if (std::find(seen.begin(), seen.end(), note) != seen.end()) continue;
      seen.push_back(note);
      TableNote item{note.first, note.second, std::nullopt};
      if (values_by_name[note.first].size() > 1) item.strategy = run->strategy;
      notes.push_back(std::move(item));
    }
  }
  return notes;
}

std::vector<std::string> measured_cells(const RunResult& run,
                                        std::string strategy_cell,
                                        const CellFormat& format) {
  // A run without latency samples has zeros there, not measurements.
  const bool has_latency = run.latency_s.count > 0;
  auto latency = [&](double seconds) {
    return has_latency ? format_duration(seconds) : std::string("-");
  };
  return {
      std::move(strategy_cell),
      format_duration(run.wall_s.median),
      // The CI of a noisy mean can dip below zero; no time is negative.
      fmt::format(format.interval,
                  format_duration(std::max(0.0, run.wall_s.ci95_low)),
                  format_duration(run.wall_s.ci95_high)),
      ratio(run.speedup_vs_sequential),
      run.efficiency ? percent(*run.efficiency) : std::string("-"),
      ops_rate(run.throughput_ops_s.median),
      latency(run.latency_s.p50),
      latency(run.latency_s.p99),
      latency(run.latency_s.max),
      percent(run.cpu_utilization),
      fmt::format(format.pair, count(run.voluntary_switches),
                  count(run.involuntary_switches)),
      run.peak_rss_bytes > 0
          ? format_bytes(static_cast<double>(run.peak_rss_bytes))
          : std::string("-"),
      errors_text(run),
  };
}

std::string stages_text(const RunResult& run) {
  if (run.stages.empty()) return "";
  std::string text;
  const StageResult* bound = nullptr;
  for (const auto& s : run.stages) {
    if (!text.empty()) text += ", ";
    // A CPU stage that cannot be split says so: no strategy spreads it.
    const std::string_view kind =
        s.kind == "cpu_whole" ? std::string_view("cpu (unsplittable)") : s.kind;
    text += fmt::format("{} {} {}", s.name, kind, format_duration(s.time_s));
    if (s.queue_s >= 1e-4)
      text += fmt::format(" (+{} queued)", format_duration(s.queue_s));
    if (!bound || s.time_s + s.queue_s > bound->time_s + bound->queue_s)
      bound = &s;
  }
  if (run.stage_overlap)
    text += fmt::format("; CPU busy {}, I/O waiting {}, both {} of the wall",
                        percent(run.stage_overlap->cpu_busy),
                        percent(run.stage_overlap->io_wait),
                        percent(run.stage_overlap->both));
  if (bound && run.stages.size() > 1)
    text += fmt::format("; bound by {}", bound->name);
  return text;
}

std::optional<ForkJoinText> fork_join_text(
    const std::vector<const RunResult*>& runs) {
  std::optional<ForkJoinText> out;
  for (const RunResult* run : runs) {
    if (!run->fork_join) continue;
    const ForkJoinCost& c = *run->fork_join;
    if (!out) {
      out.emplace();
      out->tree = fmt::format(
          "{} tasks, {} leaves per op; serial {}, critical path {} per op",
          c.tasks_per_op, c.leaves_per_op, format_duration(c.serial_s),
          format_duration(c.critical_path_s));
    }
    if (run->status != RunStatus::ok || !c.overhead_per_task_s) continue;
    const double o = *c.overhead_per_task_s;
    out->per_task.push_back(fmt::format(
        "{} {}{} ({} thread{})", run->strategy, o < 0 ? "-" : "",
        format_duration(o < 0 ? -o : o), c.threads, c.threads == 1 ? "" : "s"));
  }
  return out;
}

const std::vector<std::string>& open_loop_titles() {
  static const std::vector<std::string> titles = {
      "strategy", "offered",     "achieved",    "p50",     "p99", "p99.9",
      "max",      "service p50", "service p99", "dropped", "CPU", "errors"};
  return titles;
}

std::vector<std::string> open_loop_cells(const RunResult& run,
                                         std::string strategy_cell) {
  const bool has_latency = run.latency_s.count > 0;
  auto latency = [&](double seconds) {
    return has_latency ? format_duration(seconds) : std::string("-");
  };
  const LatencySummary service = run.service_time_s.value_or(LatencySummary{});
  return {
      std::move(strategy_cell),
      run.load.open() ? ops_rate(run.load.rate) : std::string("-"),
      ops_rate(run.throughput_ops_s.median),
      latency(run.latency_s.p50),
      latency(run.latency_s.p99),
      latency(run.latency_s.p999),
      latency(run.latency_s.max),
      latency(service.p50),
      latency(service.p99),
      std::to_string(run.dropped),
      percent(run.cpu_utilization),
      errors_text(run),
  };
}

namespace {

double x_of(const SeriesPoint& p) {
  if (p.parameter_number) return *p.parameter_number;
  if (p.offered_rate_ops_s) return *p.offered_rate_ops_s;
  if (p.threads) return *p.threads;
  return static_cast<double>(p.concurrency.value_or(0));
}

std::string x_text(const SeriesPoint& p) {
  if (p.parameter_value) return *p.parameter_value;
  if (p.offered_rate_ops_s) return ops_rate(*p.offered_rate_ops_s);
  if (p.threads) return std::to_string(*p.threads);
  return std::to_string(p.concurrency.value_or(0));
}

// `run` is the point's: its error rate follows the throughput.
std::string point_cell(const SeriesPoint& p, const RunResult& run,
                       const std::optional<Slo>& slo) {
  const std::string errors =
      run.errors > 0
          ? fmt::format(" · {} err", format_error_rate(error_rate(run)))
          : std::string();
  if (p.parameter_value && !run.load.open()) {
    // A parameter changes the work itself: the wall time and how near the
    // ideal it came say more than a throughput that falls with the work.
    std::string cell = format_duration(run.wall_s.median) + errors;
    if (run.efficiency)
      cell += fmt::format(" · {} ideal", percent(*run.efficiency));
    return cell;
  }
  if (p.threads)  // strong scaling: speed-up against the fewest threads
    return fmt::format("{} of {} · {}{}", ratio(p.speedup),
                       ratio(p.ideal_speedup), ops_rate(p.throughput_ops_s),
                       errors);
  std::string cell = fmt::format("{}{} · p99 {}", ops_rate(p.throughput_ops_s),
                                 errors, format_duration(p.latency_s.p99));
  if (p.dropped > 0) cell += fmt::format(" · {} dropped", p.dropped);
  // Points that meet the SLO get two blanks where a broken one gets " !",
  // so a column's numbers stay right-aligned.
  if (slo) cell += p.meets_slo && !*p.meets_slo ? " !" : "  ";
  return cell;
}

// Parameter series of one table share their load too (a map's series, one
// per concurrency, are a table each).
ComparisonKey series_key_of(const Results& results, const Series& s) {
  const RunResult& run = results.runs.at(s.points.front().run_index);
  ComparisonKey key = comparison_key(run);
  key.params.clear();  // compared as Series::params
  return key;
}

std::string curve_title(const Results& results, const Series& s) {
  const RunResult& run = results.runs.at(s.points.front().run_index);
  std::string title =
      fmt::format("{} ({}): ", run.workload, to_string(run.kind));
  if (s.x == "offered_rate")
    title += fmt::format("open-loop sweep, {} per point, {} arrivals",
                         format_duration(run.load.duration_s),
                         to_string(run.load.arrival));
  else if (s.x == "parameter" && !run.load.open())
    title += fmt::format(
        "sweep of {} (median wall · efficiency against the ideal), {} ops "
        "per point, concurrency {}",
        s.parameter, run.load.ops, concurrency_text(run));
  else if (s.x == "parameter")
    title += fmt::format("open-loop sweep of {} at {}, {} per point",
                         s.parameter, ops_rate(run.load.rate),
                         format_duration(run.load.duration_s));
  else if (s.x == "threads")
    title += fmt::format(
        "threads sweep (speed-up of ideal vs the fewest threads), {} ops per "
        "point",
        run.load.ops);
  else
    title += fmt::format("closed-loop concurrency sweep, {} ops per point",
                         run.load.ops);
  title += fmt::format(", {} per point", repetitions_text(run));
  std::string params;
  for (const auto& [name, value] : s.params)
    params += fmt::format("{}{}={}", params.empty() ? "" : " ", name, value);
  if (!params.empty()) title += "; " + params;
  if (results.slo) title += "; SLO " + slo_text(*results.slo);
  return title;
}

}  // namespace

std::vector<CurveTable> curve_tables(const Results& results,
                                     std::vector<int>& curve_of) {
  curve_of.assign(results.runs.size(), -1);
  // Series of one workload, parameters and x axis share a table.
  std::vector<std::vector<const Series*>> groups;
  for (const Series& s : results.series) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.front()->workload == s.workload &&
             g.front()->params == s.params && g.front()->x == s.x &&
             g.front()->parameter == s.parameter &&
             (s.x != "parameter" ||
              series_key_of(results, *g.front()) == series_key_of(results, s));
    });
    if (it == groups.end())
      groups.push_back({&s});
    else
      it->push_back(&s);
  }
  std::vector<CurveTable> tables;
  for (const auto& group : groups) {
    std::size_t longest = 0;
    for (const Series* s : group) longest = std::max(longest, s->points.size());
    if (longest < 2) continue;  // a single point is an ordinary table
    CurveTable t;
    t.title = curve_title(results, *group.front());
    const std::string& axis = group.front()->x;
    t.header.push_back(axis == "offered_rate" ? "offered"
                       : axis == "parameter"  ? group.front()->parameter
                                              : axis);
    // Rows: the union of the x values, in ascending order.
    std::vector<std::pair<double, std::string>> xs;
    for (const Series* s : group) {
      t.header.push_back(s->strategy);
      for (const auto& p : s->points) {
        curve_of.at(p.run_index) = static_cast<int>(tables.size());
        const double x = x_of(p);
        if (std::none_of(xs.begin(), xs.end(),
                         [&](const auto& e) { return e.first == x; }))
          xs.emplace_back(x, x_text(p));
      }
    }
    std::sort(xs.begin(), xs.end());
    for (const auto& entry : xs) {
      const double x = entry.first;  // (clang 14 cannot capture a binding)
      std::vector<std::string> row = {entry.second};
      for (const Series* s : group) {
        auto it = std::find_if(s->points.begin(), s->points.end(),
                               [&](auto& p) { return x_of(p) == x; });
        row.push_back(
            it == s->points.end()
                ? std::string("-")
                : point_cell(*it, results.runs.at(it->run_index), results.slo));
      }
      t.rows.push_back(std::move(row));
    }
    std::vector<std::string> max_row = {"max achieved"};
    std::vector<std::string> knee_row = {"knee"};
    for (const Series* s : group) {
      max_row.push_back(ops_rate(s->max_throughput_ops_s));
      knee_row.push_back(s->knee
                             ? fmt::format("{} · p{} {}",
                                           ops_rate(s->knee->throughput_ops_s),
                                           s->knee->percentile,
                                           format_duration(s->knee->latency_s))
                             : std::string("none meets the SLO"));
      if (s->amdahl)
        t.footnotes.push_back(fmt::format(
            "{}: Amdahl serial fraction {:.3f} (95 % CI {:.3f}-{:.3f}, {} "
            "repetitions)",
            s->strategy, s->amdahl->serial_fraction, s->amdahl->ci95_low,
            s->amdahl->ci95_high, s->amdahl->samples));
      if (!s->stopped_early.empty())
        t.footnotes.push_back(
            fmt::format("{} stopped early: {}", s->strategy, s->stopped_early));
    }
    if (results.slo) {  // aligned with the points' SLO marks
      for (std::size_t i = 1; i < max_row.size(); ++i) {
        max_row[i] += "  ";
        knee_row[i] += "  ";
      }
    }
    // Along a parameter the work itself changes: a throughput across values
    // compares nothing.
    if (axis != "parameter") t.rows.push_back(std::move(max_row));
    if (results.slo && axis != "parameter")
      t.rows.push_back(std::move(knee_row));
    tables.push_back(std::move(t));
  }
  return tables;
}

std::string unoptimized_warning(const Results& results) {
  if (!results.context.optimized) return "";  // all of it unoptimised alike
  std::vector<std::string> names;
  for (const RunResult& run : results.runs)
    if (!run.workload_optimized &&
        std::find(names.begin(), names.end(), run.workload) == names.end())
      names.push_back(run.workload);
  if (names.empty()) return "";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return fmt::format(
      "warning: {} {} compiled without optimisation (apbench was: {}): its "
      "CPU work runs several times slower than in a Release build; "
      "configure your project with -DCMAKE_BUILD_TYPE=Release",
      names.size() == 1 ? "workload " + list : "workloads " + list,
      names.size() == 1 ? "was" : "were", results.context.build_type);
}

std::vector<std::string> map_letters(const RegimeMap& map) {
  std::vector<std::string> out;
  for (const auto& name : map.strategies) {
    std::string letter;
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) continue;
      std::string l(
          1, static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      if (std::find(out.begin(), out.end(), l) == out.end()) {
        letter = l;
        break;
      }
    }
    if (letter.empty()) letter = std::to_string(out.size() + 1);
    out.push_back(letter);
  }
  return out;
}

CurveTable map_table(const Results& results, const RegimeMap& map) {
  CurveTable t;
  const RunResult* first = nullptr;
  for (const MapCell& c : map.cells)
    if (!c.runs.empty()) {
      first = &results.runs.at(c.runs.front());
      break;
    }
  t.title = fmt::format(
      "{}: regime map of {} (columns) x {} (rows): the significant winner "
      "per cell and its speed-up over the runner-up",
      map.workload, map.x_axis, map.y_axis);
  if (first) {
    if (map.x_axis != "concurrency" && map.y_axis != "concurrency")
      t.title += fmt::format(", concurrency {}", concurrency_text(*first));
    // An adaptive map measured more where the verdict was unsettled.
    std::size_t fewest = 0, most = 0;
    for (const MapCell& c : map.cells) {
      if (c.runner_up.empty()) continue;
      fewest = fewest == 0 ? c.repetitions : std::min(fewest, c.repetitions);
      most = std::max(most, c.repetitions);
    }
    t.title += fmt::format(", {} ops per cell, ", first->load.ops);
    t.title += fewest == most ? fmt::format("{} repetitions", most)
                              : fmt::format(
                                    "{}-{} repetitions (more where "
                                    "the verdict was unsettled)",
                                    fewest, most);
  }
  std::string params;
  for (const auto& [name, value] : map.params)
    params += fmt::format("{}{}={}", params.empty() ? "" : " ", name, value);
  if (!params.empty()) t.title += "; " + params;
  const auto letters = map_letters(map);
  const auto letter_of = [&](const std::string& strategy) {
    for (std::size_t i = 0; i < map.strategies.size(); ++i)
      if (map.strategies[i] == strategy) return letters[i];
    return std::string("?");
  };
  t.header.push_back(fmt::format("{} \\ {}", map.y_axis, map.x_axis));
  for (const auto& x : map.x_values) t.header.push_back(x);
  for (std::size_t y = 0; y < map.y_values.size(); ++y) {
    std::vector<std::string> row = {map.y_values[y]};
    for (std::size_t x = 0; x < map.x_values.size(); ++x) {
      const auto it =
          std::find_if(map.cells.begin(), map.cells.end(),
                       [&](const MapCell& c) { return c.x == x && c.y == y; });
      if (it == map.cells.end() || it->runner_up.empty())
        row.push_back("-");
      else if (it->significant)
        row.push_back(
            fmt::format("{} {:.2f}x", letter_of(it->leader), it->speedup));
      else
        row.push_back("tie");
    }
    t.rows.push_back(std::move(row));
  }
  std::string legend;
  for (std::size_t i = 0; i < map.strategies.size(); ++i)
    legend += fmt::format("{}{} {}", i == 0 ? "" : ", ", letters[i],
                          map.strategies[i]);
  t.footnotes.push_back(fmt::format(
      "{}; a letter wins its cell: faster than the runner-up by more than "
      "{:.0f} % with Mann-Whitney p < {} after Holm's adjustment over {} "
      "tested cells; tie: no significant leader; -: fewer than two "
      "strategies measured",
      legend, map.threshold * 100, map.alpha, map.tests));
  if (!map.advice.empty()) t.footnotes.push_back("map: " + map.advice);
  // Borders --refine probed: where between the two cells the winner flips.
  for (const MapBorder& b : map.borders) {
    if (b.probes.empty()) continue;
    const std::string other = b.axis == map.x_axis ? map.y_axis : map.x_axis;
    const auto side = [](const std::string& v) {
      return v == "tie" ? std::string("a tie") : v + " wins";
    };
    const std::string where =
        b.even ? fmt::format("they are even at {}", b.low)
               : fmt::format("it changes between {} and {}", b.low, b.high);
    t.footnotes.push_back(fmt::format(
        "border at {} {}: {} at {} {}, {} at {}; {} ({} probe runs)", other,
        b.at, side(b.below), b.axis, b.from, side(b.above), b.to, where,
        b.probes.size()));
  }
  return t;
}

}  // namespace apb::report_detail
