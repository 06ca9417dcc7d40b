#!/usr/bin/env bash
# The out-of-tree path of docs/extending.md: install apbench into an empty
# prefix, configure and build examples/custom_workload against it with
# find_package(apbench), then run example_test.sh on its executable.
# Usage: find_package_test.sh CMAKE BUILD_DIR EXAMPLE_SOURCE EXAMPLE_TEST
set -euo pipefail
cmake_cmd="$1" build="$2" example="$3" example_test="$4"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/install_and_build.sh"
install_and_build "$cmake_cmd" "$build" "$example" "$tmp" || exit 1
for f in bin/apbench bin/apbench-charts include/apbench/apbench.hpp \
  lib/cmake/apbench/apbenchConfig.cmake lib/cmake/apbench/apbenchConfigVersion.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: install has no $f"; exit 1; }
done
# apbench itself was not compiled again: only the example's own sources,
# and the install's record of where its chart tool is.
expected=$(($(find "$example" -maxdepth 1 -name '*.cpp' | wc -l) + 1))
compiled=$(grep -c 'Building CXX object' "$tmp/build.log" || true)
foreign=$(grep 'Building CXX object' "$tmp/build.log" |
  grep -vE 'Building CXX object CMakeFiles/my_bench\.dir/[a-z_]+\.cpp\.o$' |
  grep -vE 'CMakeFiles/my_bench\.dir/.*/share/apbench/installed_chart_tool\.cpp\.o$' ||
  true)
if [ "$compiled" -ne "$expected" ] || [ -n "$foreign" ]; then
  echo "FAIL: the example build compiled $compiled files, expected its own $expected:"
  cat "$tmp/build.log"
  exit 1
fi
bash "$example_test" "$tmp/build/my_bench" || exit 1

# --html from the user's program finds the installed chart tool (the path
# the install recorded), never the source tree's, and runs it once: with
# APBENCH_CHARTS unset and, where a mount namespace can be made, the source
# tree's tools/ hidden under an empty folder.
fails=0
run_html() { # PAGE COMMAND...: runs COMMAND --html PAGE --verbose; its log
  local page="$1"
  shift
  env -u APBENCH_CHARTS "$@" --filter io.sleep --set delay=10ms --ops 2 \
    --repetitions 1 --warmup 0 --strategy sequential,async --verbose \
    --html "$page" 2>&1 >/dev/null
}
check_html() { # WHAT PAGE LOG TOOL: the page has charts, drawn once by TOOL
  local ran
  ran=$(grep -c 'the chart tool .* ran once' <<<"$3")
  if grep -q '<svg' "$2" && [ "$ran" -eq 1 ] &&
    grep -q "the chart tool $4 ran once (the page): done" <<<"$3"; then
    echo "$1: $(grep 'the chart tool' <<<"$3")"
  else
    echo "FAIL: $1: chart tool runs: $ran, want one by $4; log:"
    echo "$3" | tail -5
    fails=$((fails + 1))
  fi
}
tools_dir=$(cd "$(dirname "$0")/../tools" && pwd)
log=$(run_html "$tmp/user.html" "$tmp/build/my_bench")
check_html "the example's --html" "$tmp/user.html" "$log" \
  "$tmp/prefix/bin/apbench-charts"
if unshare -rm sh -c "mount -t tmpfs none '$tools_dir'" 2>/dev/null; then
  log=$(unshare -rm bash -c "mount -t tmpfs none '$tools_dir' &&
    [ ! -e '$tools_dir/apbench-charts' ] && $(declare -f run_html)
    run_html '$tmp/hidden.html' '$tmp/build/my_bench'")
  check_html "the example's --html, the source tree's tools hidden" \
    "$tmp/hidden.html" "$log" "$tmp/prefix/bin/apbench-charts"
else
  echo "(no mount namespace here: the source tree's tools stay visible)"
fi
# An installed apbench moved elsewhere finds the tool in its own prefix.
mv "$tmp/prefix" "$tmp/moved"
log=$(run_html "$tmp/moved.html" "$tmp/moved/bin/apbench")
check_html "a moved install's apbench --html" "$tmp/moved.html" "$log" \
  "$tmp/moved/bin/apbench-charts"
[ "$fails" -eq 0 ]
