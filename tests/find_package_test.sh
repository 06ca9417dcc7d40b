#!/usr/bin/env bash
# The out-of-tree path of docs/extending.md: install apbench into an empty
# prefix, configure and build examples/custom_workload against it with
# find_package(apbench), then run example_test.sh on its executable.
# Usage: find_package_test.sh CMAKE BUILD_DIR EXAMPLE_SOURCE EXAMPLE_TEST
set -euo pipefail
cmake_cmd="$1" build="$2" example="$3" example_test="$4"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cmake_cmd" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; exit 1; }
for f in bin/apbench bin/apbench-charts include/apbench/apbench.hpp \
  lib/cmake/apbench/apbenchConfig.cmake lib/cmake/apbench/apbenchConfigVersion.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: install has no $f"; exit 1; }
done

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
"$cmake_cmd" -S "$example" -B "$tmp/build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" ||
  { cat "$tmp/configure.log"; exit 1; }
start=$SECONDS
"$cmake_cmd" --build "$tmp/build" >"$tmp/build.log" ||
  { cat "$tmp/build.log"; exit 1; }
echo "example built against the install in $((SECONDS - start)) s"
# apbench itself was not compiled again: only the example's own sources.
expected=$(find "$example" -maxdepth 1 -name '*.cpp' | wc -l)
compiled=$(grep -c 'Building CXX object' "$tmp/build.log" || true)
foreign=$(grep 'Building CXX object' "$tmp/build.log" |
  grep -vE 'Building CXX object CMakeFiles/my_bench\.dir/[a-z_]+\.cpp\.o$' || true)
if [ "$compiled" -ne "$expected" ] || [ -n "$foreign" ]; then
  echo "FAIL: the example build compiled $compiled files, expected its own $expected:"
  cat "$tmp/build.log"
  exit 1
fi
bash "$example_test" "$tmp/build/my_bench"
