#pragma once
// Where the answer flips: the runs of a sweep over two axes (two --set
// sweeps, or one and a --concurrency list) as a grid, each cell naming the
// fastest strategy and whether it beats the runner-up significantly.
//
// The test is the one `apbench compare` uses (compare.hpp): a two-sided
// Mann-Whitney U of the two strategies' repetitions (goodput wall times),
// its p-values adjusted by Holm's method over the map's tested cells, and
// a lead counts only beyond the same threshold (CompareOptions::threshold).
// A cell without a significant leader is a tie.
#include <optional>
#include <string>
#include <vector>

#include "apbench/results.hpp"

namespace apb {

struct MapOptions {
  double alpha = 0.05;      // family-wise, over the map's cells
  double threshold = 0.05;  // a lead of at most 5 % is a tie
};

// One map per (workload, load and parameters outside the axes) whose
// closed-loop runs have two sweep axes (RunResult::sweep_axes).
std::vector<RegimeMap> build_maps(const std::vector<RunResult>& runs,
                                  const MapOptions& options = {});

// More repetitions could change the cell's verdict: it is a tie whose
// leader may yet be ahead beyond the threshold (the interval of its
// speed-up reaches past 1 + threshold, or there are too few repetitions
// to test it). A significant cell, and a tie whose interval lies within
// the threshold, are settled. An adaptive map (RunSettings::map_rounds)
// measures more repetitions of the unsettled cells only.
bool unsettled(const MapCell& cell, const RegimeMap& map);

// A border probe's verdict (MapBorder): the side of the border whose
// verdict the probe repeats, from the runs of the two strategies probed
// (border.probed, in that order); `even` between two winners neither
// leading beyond the threshold; `unmeasured` when a run did not succeed.
enum class ProbeVerdict { below, above, even, unmeasured };
ProbeVerdict probe_verdict(const MapBorder& border, const RunResult& first,
                           const RunResult& second, double threshold);

// The next value to probe on `border`'s axis, between its low and high: the
// geometric mean (sweeps are log-spaced; the arithmetic one from 0), an
// integer for integer axes (concurrency, threads, counts, bytes); nullopt
// when no value lies strictly between, or the axis is no number.
std::optional<std::string> border_midpoint(const RegimeMap& map,
                                           const MapBorder& border);

// The map's regions in one sentence, from its cells: which strategy wins
// where, along which axis values, and how many cells are ties.
std::string map_advice(const RegimeMap& map);

}  // namespace apb
