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

// A cell's verdict: its significant winner, "tie", or "" (not compared).
std::string verdict(const MapCell& c) {
  if (c.runner_up.empty()) return "";
  return c.significant ? c.leader : "tie";
}

// Neighbouring cells, along x then along y, with different verdicts (two
// winners, or a winner beside a tie): the borders, bracketed by the grid's
// own values.
std::vector<MapBorder> find_borders(const RegimeMap& map) {
  const std::size_t nx = map.x_values.size();
  const auto cell = [&](std::size_t x, std::size_t y) -> const MapCell& {
    return map.cells[y * nx + x];
  };
  std::vector<MapBorder> out;
  const auto add = [&](const std::string& axis, const std::string& at,
                       const std::string& from, const std::string& to,
                       const MapCell& a, const MapCell& b) {
    const std::string va = verdict(a), vb = verdict(b);
    if (va.empty() || vb.empty() || va == vb) return;
    MapBorder border;
    border.axis = axis;
    border.at = at;
    border.from = border.low = from;
    border.to = border.high = to;
    border.below = va;
    border.above = vb;
    const MapCell& winner = a.significant ? a : b;
    border.probed =
        a.significant && b.significant
            ? std::vector<std::string>{a.leader, b.leader}
            : std::vector<std::string>{winner.leader, winner.runner_up};
    out.push_back(std::move(border));
  };
  for (std::size_t y = 0; y < map.y_values.size(); ++y)
    for (std::size_t x = 0; x + 1 < nx; ++x)
      add(map.x_axis, map.y_values[y], map.x_values[x], map.x_values[x + 1],
          cell(x, y), cell(x + 1, y));
  for (std::size_t x = 0; x < nx; ++x)
    for (std::size_t y = 0; y + 1 < map.y_values.size(); ++y)
      add(map.y_axis, map.x_values[x], map.y_values[y], map.y_values[y + 1],
          cell(x, y), cell(x, y + 1));
  return out;
}

// The axis value as a number ("concurrency" and "threads" are counts).
std::optional<double> axis_number(const std::string& text) {
  const auto n = parameter_number(text);
  return n ? std::optional<double>(n->value) : std::nullopt;
}

// Narrows each border to the probes measured on it: the highest value
// that repeated the lower verdict and the lowest that repeated the upper
// one; two winners even is the crossover itself. Bisection probes inside
// the bracket, so these agree with the decisions --refine took.
void place_probes(RegimeMap& map, const std::vector<RunResult>& runs,
                  const std::vector<std::size_t>& probes) {
  for (MapBorder& b : map.borders) {
    const std::string other = b.axis == map.x_axis ? map.y_axis : map.x_axis;
    const auto from = axis_number(b.from), to = axis_number(b.to);
    if (!from || !to || b.probed.size() != 2) continue;
    // The probes on this border by value: the two probed strategies' runs.
    std::map<double, std::pair<const RunResult*, const RunResult*>> at_value;
    std::map<double, std::string> texts;
    for (std::size_t i : probes) {
      const RunResult& r = runs[i];
      if (axis_value(r, other) != b.at) continue;
      const std::string value = axis_value(r, b.axis);
      const auto v = axis_number(value);
      if (!v || !(*v > *from) || !(*v < *to)) continue;
      if (r.strategy != b.probed[0] && r.strategy != b.probed[1]) continue;
      (r.strategy == b.probed[0] ? at_value[*v].first : at_value[*v].second) =
          &r;
      texts[*v] = value;
      b.probes.push_back(i);
    }
    for (const auto& [v, pair] : at_value) {
      if (!pair.first || !pair.second || b.even) continue;
      switch (probe_verdict(b, *pair.first, *pair.second, map.threshold)) {
        case ProbeVerdict::below:
          b.low = texts[v];
          break;
        case ProbeVerdict::above:
          if (*axis_number(b.high) > v) b.high = texts[v];
          break;
        case ProbeVerdict::even:
          b.even = true;
          b.low = b.high = texts[v];
          break;
        case ProbeVerdict::unmeasured:
          break;
      }
    }
  }
}

}  // namespace

bool unsettled(const MapCell& cell, const RegimeMap& map) {
  if (cell.runner_up.empty() || cell.significant) return false;
  if (!cell.p_adjusted) return true;  // too few repetitions to test
  return cell.ci95_high > 1 + map.threshold;
}

ProbeVerdict probe_verdict(const MapBorder& border, const RunResult& first,
                           const RunResult& second, double threshold) {
  const double a = goodput_wall_s(first), b = goodput_wall_s(second);
  if (first.status != RunStatus::ok || second.status != RunStatus::ok ||
      !(a > 0) || !(b > 0))
    return ProbeVerdict::unmeasured;
  // Who leads beyond the threshold, if anyone.
  std::string leader;
  if (std::max(a, b) / std::min(a, b) > 1 + threshold)
    leader = a < b ? first.strategy : second.strategy;
  if (!leader.empty() && leader == border.below) return ProbeVerdict::below;
  if (!leader.empty() && leader == border.above) return ProbeVerdict::above;
  // No lead, or the lead of the strategy that won on neither side: the
  // side where nobody won, if there is one.
  if (border.below == "tie") return ProbeVerdict::below;
  if (border.above == "tie") return ProbeVerdict::above;
  return leader.empty() ? ProbeVerdict::even : ProbeVerdict::unmeasured;
}

std::optional<std::string> border_midpoint(const RegimeMap& map,
                                           const MapBorder& border) {
  const auto lo = parameter_number(border.low);
  const auto hi = parameter_number(border.high);
  if (border.even || !lo || !hi || !(hi->value > lo->value))
    return std::nullopt;
  const std::string& unit = border.axis == map.x_axis ? map.x_unit : map.y_unit;
  double mid = lo->value > 0 ? std::sqrt(lo->value * hi->value)
                             : (lo->value + hi->value) / 2;
  const bool integral = unit != "s" && std::floor(lo->value) == lo->value &&
                        std::floor(hi->value) == hi->value;
  std::string text = parameter_text(mid, unit);
  if (integral) {
    mid = std::round(mid);
    text = unit == "B" ? parameter_text(mid, unit) : fmt::format("{:.0f}", mid);
  }
  // Three significant digits can round onto an end: nothing lies between.
  const auto back = parameter_number(text);
  if (!back || !(back->value > lo->value) || !(back->value < hi->value))
    return std::nullopt;
  return text;
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
  std::vector<std::size_t> probes;  // off the grid: placed on borders
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (r.sweep_axes.size() != 2 || r.load.open()) continue;
    if (r.border_probe) {
      probes.push_back(i);
      continue;
    }
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
    map.borders = find_borders(map);
    std::vector<std::size_t> own_probes;
    for (std::size_t i : probes)
      if (map_key(runs[i]) == keys[g]) own_probes.push_back(i);
    place_probes(map, runs, own_probes);
    out.push_back(std::move(map));
  }
  return out;
}

}  // namespace apb
