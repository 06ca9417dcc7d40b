#include "apbench/regime_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "apbench/comparison_key.hpp"
#include "apbench/stats.hpp"
#include "text/parameter_value.hpp"

namespace apb {
namespace {

// The run's value on `axis`: a parameter's text, the concurrency or the
// threads.
std::string axis_value(const RunResult& run, const std::string& axis) {
  if (axis == "concurrency")
    return std::to_string(run.load.requested_concurrency());
  if (axis == "threads") return std::to_string(run.load.threads);
  for (const auto& [name, value] : run.params)
    if (name == axis) return value;
  return "";
}

// Values ascending by number (as measured when they are no numbers); the
// unit of the numbers ("s", "B" or "").
std::vector<std::string> sorted_values(std::vector<std::string> values,
                                       std::string& unit) {
  std::stable_sort(values.begin(), values.end(),
                   [](const std::string& a, const std::string& b) {
                     const auto na = parameter_number(a);
                     const auto nb = parameter_number(b);
                     return na && nb && na->value < nb->value;
                   });
  for (const auto& v : values)
    if (const auto n = parameter_number(v); n && !n->unit.empty())
      unit = n->unit;
  return values;
}

void judge_cell(MapCell& cell, const std::vector<RunResult>& runs) {
  std::vector<const RunResult*> ok;
  std::size_t fewest = 0;
  for (std::size_t i : cell.runs) {
    const RunResult& r = runs[i];
    if (r.status != RunStatus::ok || goodput_wall_s(r) <= 0) continue;
    ok.push_back(&r);
    const std::size_t n = goodput_wall_samples(r).size();
    fewest = ok.size() == 1 ? n : std::min(fewest, n);
  }
  cell.repetitions = fewest;
  if (ok.size() < 2) {
    cell.note = ok.empty() ? "no strategy measured" : "one strategy measured";
    if (ok.size() == 1) cell.leader = ok.front()->strategy;
    return;
  }
  std::stable_sort(ok.begin(), ok.end(), [](auto* a, auto* b) {
    return goodput_wall_s(*a) < goodput_wall_s(*b);
  });
  // As the advice: runs over the error limit compete only among themselves.
  const auto eligible = contenders(ok);
  const RunResult* leader = eligible.front();
  const RunResult* rival = eligible.size() > 1 ? eligible[1] : nullptr;
  if (!rival)
    for (const auto* r : ok)
      if (r != leader) {
        rival = r;
        break;
      }
  cell.leader = leader->strategy;
  cell.runner_up = rival->strategy;
  const auto fast = goodput_wall_samples(*leader);
  const auto slow = goodput_wall_samples(*rival);
  cell.speedup = goodput_wall_s(*rival) / goodput_wall_s(*leader);
  RatioOptions ratio_options;
  ratio_options.a_name = rival->strategy;
  ratio_options.b_name = leader->strategy;
  ratio_options.point = cell.speedup;
  const auto ratio = compare_ratio(slow, fast, ratio_options);
  cell.ci95_low = ratio.ci95_low > 0 ? ratio.ci95_low : cell.speedup;
  cell.ci95_high = ratio.ci95_high > 0 ? ratio.ci95_high : cell.speedup;
  if (fast.size() < 2 || slow.size() < 2) {
    cell.note = fmt::format(
        "{} repetitions: the test needs at least 2 per strategy", fewest);
    return;
  }
  cell.p_value = mann_whitney_u(slow, fast).p_value;
}

// Holm over the cells whose test can reach alpha at all (as compare's
// family: a cell whose sample sizes never give p < alpha is not a test).
void judge_map(RegimeMap& map, const std::vector<RunResult>& runs,
               const MapOptions& options) {
  std::vector<double> p;
  std::vector<MapCell*> tested;
  for (MapCell& cell : map.cells) {
    if (!cell.p_value) continue;
    std::size_t n1 = 0, n2 = 0;
    for (std::size_t i : cell.runs) {
      if (runs[i].strategy == cell.leader)
        n1 = goodput_wall_samples(runs[i]).size();
      if (runs[i].strategy == cell.runner_up)
        n2 = goodput_wall_samples(runs[i]).size();
    }
    const double min_p = mann_whitney_min_p(n1, n2);
    if (min_p >= options.alpha) {
      cell.note = fmt::format(
          "{} and {} repetitions can never reach p < {} (smallest p {:.3g})",
          n1, n2, options.alpha, min_p);
      cell.p_value.reset();
      continue;
    }
    p.push_back(*cell.p_value);
    tested.push_back(&cell);
  }
  map.tests = tested.size();
  const auto adjusted = holm_adjust(p);
  for (std::size_t k = 0; k < tested.size(); ++k) {
    MapCell& cell = *tested[k];
    cell.p_adjusted = adjusted[k];
    const bool beyond = cell.speedup > 1 + options.threshold;
    cell.significant = adjusted[k] < options.alpha && beyond;
    if (cell.significant) continue;
    if (!beyond)
      cell.note = fmt::format(
          "{} leads by {:.2f}x, within the {:.0f} % "
          "threshold",
          cell.leader, cell.speedup, options.threshold * 100);
    else
      cell.note = fmt::format(
          "{} leads by {:.2f}x, not significantly (p {:.2g}, Holm-adjusted "
          "{:.2g} over {} cells)",
          cell.leader, cell.speedup, *cell.p_value, adjusted[k], map.tests);
  }
}

// The simpler (StrategyTraits::simplicity) of leader and runner-up, when it
// is the same strategy in every tie and within 10 % of the leader (the
// advisor's rule): as good there, and simpler to adopt.
std::string simplest_in_ties(const RegimeMap& map,
                             const std::vector<RunResult>& runs) {
  std::string simplest;
  for (const MapCell& c : map.cells) {
    if (c.significant || c.runner_up.empty()) continue;
    const RunResult* leader = nullptr;
    const RunResult* rival = nullptr;
    for (std::size_t i : c.runs) {
      if (runs[i].strategy == c.leader) leader = &runs[i];
      if (runs[i].strategy == c.runner_up) rival = &runs[i];
    }
    if (!leader || !rival) return "";
    const int a = leader->strategy_traits.simplicity;
    const int b = rival->strategy_traits.simplicity;
    if (a == b) return "";
    // As the advisor: a slower but simpler strategy is as good only within
    // 10 % of a lead that is not significant.
    if (b < a && c.speedup >= 1.1) return "";
    const RunResult* simpler = b < a ? rival : leader;
    if (!simplest.empty() && simplest != simpler->strategy) return "";
    simplest = simpler->strategy;
  }
  return simplest;
}

// "work 4ms", "work >= 4ms", "work <= 4ms", "work 4ms..16ms"; "" for the
// whole axis.
std::string span_text(const std::string& axis,
                      const std::vector<std::string>& values, std::size_t lo,
                      std::size_t hi) {
  if (lo == 0 && hi + 1 == values.size()) return "";
  if (lo == hi) return fmt::format("{} {}", axis, values[lo]);
  if (hi + 1 == values.size()) return fmt::format("{} >= {}", axis, values[lo]);
  if (lo == 0) return fmt::format("{} <= {}", axis, values[hi]);
  return fmt::format("{} {}..{}", axis, values[lo], values[hi]);
}

// "at work >= 4ms and concurrency 2", "at concurrency 4, whatever the
// work", "in every cell".
std::string region_text(const RegimeMap& map, std::size_t x_lo,
                        std::size_t x_hi, std::size_t y_lo, std::size_t y_hi) {
  const std::string x = span_text(map.x_axis, map.x_values, x_lo, x_hi);
  const std::string y = span_text(map.y_axis, map.y_values, y_lo, y_hi);
  if (x.empty() && y.empty()) return "in every cell";
  if (x.empty()) return fmt::format("at {}, whatever the {}", y, map.x_axis);
  if (y.empty()) return fmt::format("at {}, whatever the {}", x, map.y_axis);
  return fmt::format("at {} and {}", x, y);
}

}  // namespace

bool unsettled(const MapCell& cell, const RegimeMap& map) {
  if (cell.runner_up.empty() || cell.significant) return false;
  if (!cell.p_adjusted) return true;  // too few repetitions to test
  return cell.ci95_high > 1 + map.threshold;
}

std::string map_advice(const RegimeMap& map) {
  std::vector<std::string> parts;
  std::size_t ties = 0, measured = 0;
  for (const MapCell& c : map.cells) {
    if (c.runner_up.empty()) continue;
    ++measured;
    if (!c.significant) ++ties;
  }
  if (measured == 0) return "";
  for (const auto& strategy : map.strategies) {
    std::size_t wins = 0;
    std::size_t x_lo = map.x_values.size(), x_hi = 0;
    std::size_t y_lo = map.y_values.size(), y_hi = 0;
    for (const MapCell& c : map.cells) {
      if (!c.significant || c.leader != strategy) continue;
      ++wins;
      x_lo = std::min(x_lo, c.x);
      x_hi = std::max(x_hi, c.x);
      y_lo = std::min(y_lo, c.y);
      y_hi = std::max(y_hi, c.y);
    }
    if (wins == 0) continue;
    // Its wins fill their bounding box: a region the axes can name.
    const std::size_t box = (x_hi - x_lo + 1) * (y_hi - y_lo + 1);
    const std::string where = region_text(map, x_lo, x_hi, y_lo, y_hi);
    double best = 0;
    for (const MapCell& c : map.cells)
      if (c.significant && c.leader == strategy)
        best = std::max(best, c.speedup);
    // Otherwise its cells are scattered (other winners or ties between
    // them): say how many, and the region they lie in.
    parts.push_back(
        box == wins
            ? fmt::format("{} wins {} (by up to {:.2f}x)", strategy, where,
                          best)
            : fmt::format("{} wins {} of {} cells, all {} (by up to {:.2f}x)",
                          strategy, wins, measured,
                          where == "in every cell" ? "over the map" : where,
                          best));
  }
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i)
    text += (i == 0 ? "" : "; ") + parts[i];
  if (ties == measured)
    return fmt::format(
        "no strategy leads any of the {} cells significantly: every cell is "
        "a tie at these repetitions",
        measured);
  if (ties > 0)
    text += fmt::format("; {} of {} cells {} (no significant leader{})", ties,
                        measured, ties == 1 ? "is a tie" : "are ties",
                        map.simplest_in_ties.empty()
                            ? ""
                            : ": there " + map.simplest_in_ties +
                                  ", the simpler of the two, is as good");
  return text + ".";
}

std::vector<RegimeMap> build_maps(const std::vector<RunResult>& runs,
                                  const MapOptions& options) {
  std::vector<ComparisonKey> keys;
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (r.sweep_axes.size() != 2 || r.load.open()) continue;
    const ComparisonKey key = map_key(r);
    const auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(key);
      groups.push_back({i});
    } else {
      groups[static_cast<std::size_t>(it - keys.begin())].push_back(i);
    }
  }
  std::vector<RegimeMap> out;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const RunResult& first = runs[groups[g].front()];
    RegimeMap map;
    map.workload = first.workload;
    map.params = keys[g].params;
    map.x_axis = first.sweep_axes[0];
    map.y_axis = first.sweep_axes[1];
    map.alpha = options.alpha;
    map.threshold = options.threshold;
    std::vector<std::string> xs, ys;
    for (std::size_t i : groups[g]) {
      const RunResult& r = runs[i];
      const auto add = [](std::vector<std::string>& v, std::string value) {
        if (std::find(v.begin(), v.end(), value) == v.end())
          v.push_back(std::move(value));
      };
      add(xs, axis_value(r, map.x_axis));
      add(ys, axis_value(r, map.y_axis));
      add(map.strategies, r.strategy);
    }
    map.x_values = sorted_values(std::move(xs), map.x_unit);
    map.y_values = sorted_values(std::move(ys), map.y_unit);
    for (std::size_t y = 0; y < map.y_values.size(); ++y)
      for (std::size_t x = 0; x < map.x_values.size(); ++x) {
        MapCell cell;
        cell.x = x;
        cell.y = y;
        for (std::size_t i : groups[g])
          if (axis_value(runs[i], map.x_axis) == map.x_values[x] &&
              axis_value(runs[i], map.y_axis) == map.y_values[y])
            cell.runs.push_back(i);
        judge_cell(cell, runs);
        map.cells.push_back(std::move(cell));
      }
    judge_map(map, runs, options);
    map.simplest_in_ties = simplest_in_ties(map, runs);
    map.advice = map_advice(map);
    out.push_back(std::move(map));
  }
  return out;
}

}  // namespace apb
