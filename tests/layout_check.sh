#!/usr/bin/env bash
# The layout keeps its arrows pointing one way:
#   cli -> engine / analysis / report -> results -> workload
# (a) each concept folder of src/ includes only the folders it may depend on;
# (b) public headers (include/apbench) include no private header of src/;
# (c) <apbench/results.hpp> pulls in neither Asio nor oneTBB (a reporter or
#     a tool reading results needs neither).
# Usage: layout_check.sh SOURCE_DIR CXX
# Prints each violation on its own line, then "N passed, N failed".
set -u
src="$1/src"
include="$1/include"
cxx="$2"
passed=0
failed=0
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
}

# Private folders a folder may include from ("folder/header.hpp").
declare -A allowed=(
  [text]="text"
  [workload]="workload text"
  [registry]="registry workload text strategies"
  [strategies]="strategies engine workload text"
  [stats]="stats"
  [results]="results stats text"
  [engine]="engine strategies workload results stats text analysis"
  [analysis]="analysis results stats text"
  [report]="report results stats text"
  [gbench]="gbench engine analysis report results stats text workload registry"
  [cli]="cli engine analysis report results stats text workload registry"
)
# Public headers each folder must not include: analysis never formats a
# report, nothing below the command line uses it.
declare -A forbidden_public=(
  [analysis]="apbench/report.hpp"
  [results]="apbench/report.hpp apbench/runner.hpp"
  [workload]="apbench/report.hpp apbench/runner.hpp apbench/results.hpp"
)

for dir in "$src"/*/; do
  folder=$(basename "$dir")
  if [ -z "${allowed[$folder]+x}" ]; then
    fail "src/$folder has no rule in tests/layout_check.sh"
    continue
  fi
  ok=1
  while IFS=: read -r file target; do
    [ -z "$file" ] && continue
    top=${target%%/*}
    if [ "$top" != "$target" ] && [ -d "$src/$top" ] &&
      ! grep -qw -- "$top" <<<"${allowed[$folder]}"; then
      fail "${file#"$1"/} includes \"$target\" (src/$folder may use: ${allowed[$folder]})"
      ok=0
    fi
    for bad in ${forbidden_public[$folder]:-}; do
      if [ "$target" = "$bad" ]; then
        fail "${file#"$1"/} includes \"$target\""
        ok=0
      fi
    done
  done < <(grep -oHE '^#include "[^"]+"' -r "$dir" | sed -E 's/:#include "/:/; s/"$//')
  [ "$ok" -eq 1 ] && passed=$((passed + 1))
done

# (b) public headers are self-contained: only apbench/ and system headers.
bad=$(grep -nE '^#include "' -r "$include/apbench" | grep -vE '#include "apbench/' || true)
if [ -n "$bad" ]; then
  fail "public headers include private ones: $bad"
else
  passed=$((passed + 1))
fi

# (c) results.hpp without Asio or oneTBB.
deps=$(echo '#include "apbench/results.hpp"' |
  "$cxx" -std=c++20 -I"$include" -x c++ -M - 2>&1) || {
  fail "results.hpp does not compile on its own: $deps"
  deps=""
}
if grep -qE 'boost/asio|oneapi/tbb|tbb/' <<<"$deps"; then
  fail "results.hpp includes Asio or oneTBB: $(grep -oE '[^ ]*(boost/asio|tbb)[^ ]*' <<<"$deps" | head -3 | tr '\n' ' ')"
else
  passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
