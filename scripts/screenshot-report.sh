#!/usr/bin/env bash
# Renders an apbench HTML report with headless Chromium into PNG files, to
# look at the page as a reader would (not part of CTest: it needs a browser).
#
#   scripts/screenshot-report.sh REPORT.html [OUT_PREFIX]
#
# Writes OUT_PREFIX-first.png (the first screen, 1280x900), -chart.png (the
# first run group with charts, 1280x1400) and -narrow.png (a 412-pixel phone
# screen). OUT_PREFIX defaults to the report's name without .html. Installs
# Debian's chromium when missing (apt-get, with sudo when not root). The
# browser runs without network features and with a fresh profile; the page
# itself loads nothing.
set -euo pipefail

page=${1:?usage: scripts/screenshot-report.sh REPORT.html [OUT_PREFIX]}
[ -f "$page" ] || { echo "screenshot-report: no file '$page'" >&2; exit 2; }
prefix=${2:-${page%.html}}
page=$(readlink -f -- "$page")

if ! command -v chromium >/dev/null 2>&1; then
  echo "screenshot-report: installing chromium" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf -- "$profile"' EXIT

# shot OUT.png WIDTH HEIGHT URL
shot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$2,$3" --screenshot="$1" "$4" >/dev/null 2>&1 || {
    echo "screenshot-report: chromium failed on $4" >&2
    return 1
  }
  echo "wrote $1 ($2x$3)"
}

shot "$prefix-first.png" 1280 900 "file://$page"
# A chart section: a copy of the page styled to start at the first section
# that has a chart (headless Chromium paints nothing when asked to scroll to
# an anchor before the screenshot).
if grep -q '<figure' "$page"; then
  sed 's|</head>|<style>header, .context, main > h2, main > section:not(:has(figure)), main > section:has(figure) ~ section { display: none; }</style></head>|' \
    "$page" >"$profile/chart.html"
  shot "$prefix-chart.png" 1280 1400 "file://$profile/chart.html"
fi
shot "$prefix-narrow.png" 412 900 "file://$page"
