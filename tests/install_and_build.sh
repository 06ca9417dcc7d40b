# Sourced by the tests of the out-of-tree examples (find_package_test.sh,
# custom_strategy_test.sh): install apbench into an empty prefix, then
# configure and build an example project against it, as a user would.
# install_and_build CMAKE BUILD_DIR EXAMPLE_SOURCE WORK_DIR: the install in
# WORK_DIR/prefix, the example's build in WORK_DIR/build, its build log in
# WORK_DIR/build.log; prints how long the example took to build; false
# (with the log printed) when a step fails.
install_and_build() {
  local cmake_cmd="$1" build="$2" example="$3" work="$4"
  "$cmake_cmd" --install "$build" --prefix "$work/prefix" >"$work/install.log" ||
    { cat "$work/install.log"; return 1; }
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  "$cmake_cmd" -S "$example" -B "$work/build" "${generator[@]}" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" ||
    { cat "$work/configure.log"; return 1; }
  local start=$SECONDS
  "$cmake_cmd" --build "$work/build" >"$work/build.log" ||
    { cat "$work/build.log"; return 1; }
  echo "$(basename "$example") built against the install in $((SECONDS - start)) s"
}
