#!/usr/bin/env bash
# The docs cannot drift from the code: every workload and strategy that
# `apbench --list` prints is documented, every long flag of `apbench --help`
# is in the guide, and relative links resolve.
# Usage: docs_check.sh APBENCH_BINARY DOCS_DIR README
#   (a) each workload (except test-only test.*) is named as `name` in
#       DOCS_DIR/workloads.md and in README; each strategy as `name` in
#       DOCS_DIR/strategies.md;
#   (b) each --flag of --help appears in DOCS_DIR/guide.md;
#   (c) each relative Markdown link in README and DOCS_DIR/*.md points to an
#       existing file;
#   (d) each ```cpp and ```cmake block of DOCS_DIR/extending.md is copied
#       verbatim (consecutive lines) from a file of examples/custom_workload
#       or examples/custom_strategy, which CTest builds and runs, so the
#       walk-through cannot drift.
# Prints each missing item on its own line, then "N passed, N failed".
set -u
apbench="$1"
docs="$2"
readme="$3"
passed=0
failed=0

check() {  # check DESCRIPTION COMMAND...: count a pass, or print DESCRIPTION
  local what="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "missing: $what"
  fi
}

# names_in SECTION: the names `apbench --list` prints under "Workloads" or
# "Strategies" (lines "  NAME  ...").
list=$("$apbench" --list) || {
  echo "apbench --list failed"
  exit 1
}
names_in() {
  awk -v section="$1" '
    /^[A-Z]/ { in_section = ($1 == section); next }
    in_section && /^  [a-z0-9]/ { print $1 }' <<<"$list"
}
workloads=$(names_in Workloads | grep -v '^test\.')
strategies=$(names_in Strategies)
if [ -z "$workloads" ] || [ -z "$strategies" ]; then
  echo "could not read workloads and strategies from apbench --list"
  exit 1
fi

# (a) workloads and strategies, as code spans (`io.sleep`).
for w in $workloads; do
  check "workload $w in $docs/workloads.md" grep -qF "\`$w\`" "$docs/workloads.md"
  check "workload $w in $readme" grep -qF "\`$w\`" "$readme"
done
for s in $strategies; do
  check "strategy $s in $docs/strategies.md" grep -qF "\`$s\`" "$docs/strategies.md"
done

# (b) long flags of --help, as whole flags (--rate does not count as
# --rate-limit).
help=$("$apbench" --help) || {
  echo "apbench --help failed"
  exit 1
}
flags=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
for f in $flags; do
  check "flag $f in $docs/guide.md" grep -qE -- "$f([^a-z0-9-]|\$)" "$docs/guide.md"
done

# (c) relative links: [text](path) and [text](path#anchor), not URLs.
for md in "$readme" "$docs"/*.md; do
  dir=$(dirname "$md")
  for target in $(grep -oE '\]\([^)# ]+' "$md" | sed 's/^](//' |
    grep -vE '^[a-z]+:' | sort -u); do
    check "link $target in $md" test -e "$dir/$target"
  done
done

# (d) extending.md quotes the compiled example.
examples="$docs/../examples/custom_workload $docs/../examples/custom_strategy"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
  /^```(cpp|cmake) *$/ { n++; file = sprintf("%s/block%02d", dir, n); inblock = 1
                         printf "" > file; next }
  /^```/ && inblock { inblock = 0; close(file); next }
  inblock { print > file }' "$docs/extending.md"
# quoted_in FILE BLOCK: BLOCK's lines occur consecutively in FILE.
quoted_in() {
  awk 'NR == FNR { b[++n] = $0; next }
       { f[++m] = $0 }
       END {
         for (i = 1; i + n - 1 <= m; i++) {
           ok = 1
           for (j = 1; j <= n; j++)
             if (f[i + j - 1] != b[j]) { ok = 0; break }
           if (ok) exit 0
         }
         exit 1
       }' "$2" "$1"
}
for block in "$tmp"/block*; do
  [ -e "$block" ] || continue
  found=false
  for f in $(for d in $examples; do printf '%s\n' "$d"/*; done); do
    if [ -f "$f" ] && quoted_in "$f" "$block"; then
      found=true
      break
    fi
  done
  check "extending.md code block ${block##*block} ('$(head -1 "$block")') \
verbatim in $examples" $found
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
