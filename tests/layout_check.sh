#!/usr/bin/env bash
# The layout keeps its arrows pointing one way:
#   cli -> engine / analysis / report -> results -> workload
# results/ is the results format's home (the run record, its JSON written and
# read, merge, the one summary of repetitions); engine/ measures, analysis/
# derives, report/ presents; nothing includes cli/.
# (a) each concept folder of src/ includes only the folders it may depend on,
#     by their private headers ("engine/x.hpp") and by the public headers
#     whose home they are (the table `home` below: runner.hpp is engine's);
# (b) public headers (include/apbench) include no private header of src/;
# (c) <apbench/results.hpp> pulls in neither Asio nor oneTBB (a reporter or
#     a tool reading results needs neither);
# (d) no built-in strategy's name is written outside src/strategies/ (its
#     tests and the docs aside): the analysis, reports and charts read a
#     strategy's traits, so a user's strategy is never a stranger. A name
#     counts when quoted in code (not in a comment); "async", "threads" and
#     "hybrid" are also a form, a JSON key and a kind, so those count only on
#     a line that mentions a strategy.
# (e) each built-in strategy registers itself through APB_REGISTER_STRATEGY,
#     exactly as a user's does, and nothing else calls add_strategy.
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
  [loopback]="loopback"
  [registry]="registry workload text strategies"
  [strategies]="strategies workload text"
  [stats]="stats"
  [results]="results stats text"
  [engine]="engine workload results stats text"
  [analysis]="analysis results stats text"
  [report]="report results stats text"
  [gbench]="gbench engine analysis report results stats text workload registry"
  [cli]="cli engine analysis report results stats text workload registry"
)
# The home of the public headers of the layered folders: the folder that
# implements them. A folder includes them as it would the home's private
# headers. (Headers of the lower folders, workload, strategies, stats and
# text, are everyone's.)
declare -A home=(
  [results]="results.hpp results_json.hpp read_results.hpp merge.hpp
             comparison_key.hpp noise.hpp saturation.hpp strategy_traits.hpp"
  [engine]="runner.hpp plan.hpp schedule.hpp context.hpp cpu_affinity.hpp
            diagnostics.hpp knee_refinement.hpp"
  [analysis]="analysis.hpp advisor.hpp findings.hpp series.hpp compare.hpp
              regime_map.hpp"
  [report]="report.hpp compare_report.hpp gbench_name.hpp"
  [gbench]="gbench.hpp"
)
declare -A home_of=()
for folder in "${!home[@]}"; do
  for header in ${home[$folder]}; do
    home_of[apbench/$header]=$folder
    [ -f "$include/apbench/$header" ] ||
      fail "tests/layout_check.sh gives a home to apbench/$header, which does not exist"
  done
done
# Homes whose public headers (only) a folder may include besides: a report
# presents what the analysis found (compare_report.hpp: a comparison), never
# its internals; an adaptive regime map measures more repetitions where the
# map's verdict is unsettled (regime_map.hpp), as the engine's one question
# to the analysis.
declare -A public_too=(
  [report]="analysis"
)
declare -A public_exception=(
  [engine]="apbench/regime_map.hpp"
)
# Public headers each folder must not include: nothing below the command
# line reports or runs.
declare -A forbidden_public=(
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
    owner=${home_of[$target]:-}
    if [ -n "$owner" ] && ! grep -qw -- "$owner" <<<"${allowed[$folder]} ${public_too[$folder]:-}" &&
      ! grep -qw -- "$target" <<<"${public_exception[$folder]:-}"; then
      fail "${file#"$1"/} includes \"$target\", whose home is src/$owner (src/$folder may use: ${allowed[$folder]}${public_too[$folder]:+; public headers of ${public_too[$folder]}})"
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

# (d) built-in strategy names outside src/strategies/.
names=$(grep -hoE 'name\(\) const override \{ return "[^"]+"' "$src"/strategies/*.cpp |
  sed -E 's/.*return "//; s/"$//')
if [ -z "$names" ]; then
  fail "found no strategy names in src/strategies/*.cpp"
else
  hits=""
  for name in $names; do
    case "$name" in
      async | threads | hybrid) context='[Ss]trateg' ;;
      *) context='' ;;
    esac
    while IFS= read -r hit; do
      [ -z "$hit" ] && continue
      code=${hit#*:*:}
      code=${code%%//*}                      # C++ comment
      [[ "$hit" == *.py:* ]] && code=${code%%#*} # Python comment
      [[ "$code" == *"\"$name\""* ]] || continue
      [ -n "$context" ] && ! grep -qE "$context" <<<"$code" && continue
      hits+="${hit#"$1"/}"$'\n'
    done < <(grep -rnF -- "\"$name\"" "$src" "$include" "$1/workloads" "$1/tools" 2>/dev/null |
      grep -v "^$src/strategies/")
  done
  if [ -n "$hits" ]; then
    fail "built-in strategy names outside src/strategies/ (read StrategyTraits instead):"$'\n'"$hits"
  else
    passed=$((passed + 1))
  fi
fi

# (e) built-ins register as a user's strategy does.
unregistered=""
for file in $(grep -lE 'name\(\) const override \{ return "' "$src"/strategies/*.cpp); do
  grep -qE '^APB_REGISTER_STRATEGY\(' "$file" || unregistered+=" ${file#"$1"/}"
done
direct=$(grep -rlF 'add_strategy(' "$src" "$1/workloads" 2>/dev/null |
  grep -v "^$src/registry/" | sed "s|^$1/||" | tr '\n' ' ')
if [ -n "$unregistered" ] || [ -n "$direct" ]; then
  fail "strategies not registered through APB_REGISTER_STRATEGY:$unregistered${direct:+ (add_strategy called in: $direct)}"
else
  passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
