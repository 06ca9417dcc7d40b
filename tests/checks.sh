# Sourced by the shell tests: ok / fail count the checks (fail says what
# failed), finish prints the tally and is the script's exit status.
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}
# finish [NAME]: "NAME: P passed, F failed"; true only when nothing failed.
finish() {
  echo "${1:+$1: }$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
