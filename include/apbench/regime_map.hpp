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

// The map's regions in one sentence, from its cells: which strategy wins
// where, along which axis values, and how many cells are ties.
std::string map_advice(const RegimeMap& map);

}  // namespace apb
