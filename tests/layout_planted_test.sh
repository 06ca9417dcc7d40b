#!/usr/bin/env bash
# The layout check catches what it promises to: a copy of the tree passes,
# then fails once a violation is planted in it (a strategy named by the
# analysis, an include against the arrows: results including the engine or
# the analysis, a report the analysis' internals, the engine the command
# line or a report).
# Usage: layout_planted_test.sh SOURCE_DIR CXX
set -u
root="$1"
cxx="$2"
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
source "$here/checks.sh"
check() { # NAME COMMAND...: ok when the command succeeds
  local name=$1
  shift
  if "$@"; then ok; else fail "$name"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

copy() {
  rm -rf "$tmp/tree" && mkdir -p "$tmp/tree"
  cp -r "$root/src" "$root/include" "$root/workloads" "$root/tools" "$tmp/tree/"
}

copy
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "a copy of the tree passes" test $? -eq 0

# A strategy's name in the analysis: the advice would treat a user's
# strategy as a stranger.
copy
printf '%s\n' '#include "apbench/results.hpp"' \
  'bool planted(const apb::RunResult& r) { return r.strategy == "parallel"; }' \
  >"$tmp/tree/src/analysis/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "a strategy name planted in src/analysis fails" test $? -ne 0
check "the failure names the file" grep -q "src/analysis/planted.cpp" <<<"$out"

# An ambiguous name ("async" is also an op form) counts beside "strategy".
copy
printf '%s\n' 'const char* form = "async";' \
  'bool planted(const std::string& strategy) { return strategy == "async"; }' \
  >"$tmp/tree/src/analysis/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "\"async\" compared with a strategy fails" test $? -ne 0
check "only the line that names a strategy" test "$(grep -c planted.cpp <<<"$out")" -eq 1

# A chart colour keyed by a strategy's name.
copy
echo 'COLOURS = {"tbb-pipeline": "#9467bd"}' >>"$tmp/tree/tools/apbench_charts.py"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "a strategy name planted in the chart tool fails" test $? -ne 0

# An include against the arrows: analysis reaching into the engine.
copy
echo '#include "engine/stage_stats.hpp"' >"$tmp/tree/src/analysis/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "analysis including engine fails" test $? -ne 0

# The results' home reaching up: results/ including the engine's runner
# (by its public header) or the analysis.
copy
echo '#include "apbench/runner.hpp"' >"$tmp/tree/src/results/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "results including the engine's public header fails" test $? -ne 0
check "the failure names the header's home" grep -q "whose home is src/engine" <<<"$out"
copy
echo '#include "apbench/analysis.hpp"' >"$tmp/tree/src/results/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "results including the analysis fails" test $? -ne 0

# A report reaching into the analysis' internals (its public findings are
# what a report presents; its private headers are not).
copy
echo '#include "analysis/run_groups.hpp"' >"$tmp/tree/src/report/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "report including analysis internals fails" test $? -ne 0
copy
echo '#include "apbench/compare.hpp"' >"$tmp/tree/src/report/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "report including the analysis' public header passes" test $? -eq 0

# The engine measuring by the command line's rules, or formatting a report.
copy
echo '#include "cli/options.hpp"' >"$tmp/tree/src/engine/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "engine including cli fails" test $? -ne 0
copy
echo '#include "apbench/report.hpp"' >"$tmp/tree/src/engine/planted.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "engine including report fails" test $? -ne 0

# A home given to a header that is gone (moved, renamed) is noticed.
copy
rm "$tmp/tree/include/apbench/merge.hpp"
sed -i '/apbench\/merge.hpp/d' "$tmp/tree/include/apbench/"*.hpp
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "a home for a missing header fails" grep -q "apbench/merge.hpp, which does not exist" <<<"$out"

# A built-in registered by a side door instead of the public macro.
copy
sed -i 's/^APB_REGISTER_STRATEGY(SequentialStrategy);/auto* planted = \&SequentialStrategy::traits;/' \
  "$tmp/tree/src/strategies/sequential.cpp"
out=$(bash "$here/layout_check.sh" "$tmp/tree" "$cxx" 2>&1)
check "a built-in strategy without APB_REGISTER_STRATEGY fails" test $? -ne 0
check "the failure names its file" grep -q "src/strategies/sequential.cpp" <<<"$out"

finish layout_planted
