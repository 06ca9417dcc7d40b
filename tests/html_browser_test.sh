#!/usr/bin/env bash
# The HTML report as a reader sees it, in a real browser (Debian's headless
# chromium, installed here when missing; exit 77 when it cannot be): one
# page at 1280 px, every chart drawn with a box of non-zero size, nothing
# wider than the window except inside the scrolling tables, and nothing
# fetched from outside the file. Usage: html_browser_test.sh APBENCH
set -u
apbench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"

if ! command -v chromium >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo -n)
  echo "installing chromium (apt-get)"
  { DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
      --no-install-recommends chromium ||
    { DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
        --no-install-recommends chromium; }; } >"$tmp/apt.log" 2>&1
  command -v chromium >/dev/null 2>&1 || {
    echo "SKIP: no chromium, and it could not be installed: $(tail -1 "$tmp/apt.log")"
    exit 77
  }
fi

# A page with a table, stages and charts (a pipeline workload).
"$apbench" -q --filter hybrid.fetch_process --ops 4 --concurrency 2 \
  --repetitions 2 --warmup 0 --set delay=2ms --set work=4ms --set respond=1ms \
  --html "$tmp/page.html" >/dev/null 2>"$tmp/err" ||
  { fail "apbench --html: $(cat "$tmp/err")"; finish; }
figures=$(grep -o '<figure' "$tmp/page.html" | wc -l)
[ "$figures" -ge 1 ] && ok || fail "the page has no chart (is matplotlib installed?)"

# The checks run in the page, once it is laid out; their verdict is written
# into the DOM, which the browser prints.
cat >"$tmp/check.js" <<'JS'
window.addEventListener("load", () => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const charts = document.querySelectorAll("figure svg");
  charts.forEach((svg, i) => {
    const box = svg.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0))
      problems.push(`chart ${i + 1} is ${box.width}x${box.height}`);
  });
  if (document.documentElement.scrollWidth > width)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in ${width}`);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".scroll") || el.closest("script")) continue;
    const right = el.getBoundingClientRect().right;
    if (right > width + 1) {
      problems.push(`<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> ends at ${Math.round(right)} px`);
      if (problems.length > 5) break;
    }
  }
  const fetched = performance.getEntriesByType("resource").map(e => e.name);
  if (fetched.length) problems.push("fetched " + fetched.join(", "));
  const out = document.createElement("pre");
  out.id = "verdict";
  out.textContent = `charts=${charts.length} width=${width} ` +
    (problems.length ? "PROBLEMS: " + problems.join("; ") : "OK");
  document.body.appendChild(out);
});
JS
{ sed -e 's|</body>|<script>|' -e '\|^</html>|d' "$tmp/page.html"; cat "$tmp/check.js"; echo '</script></body></html>'; } \
  >"$tmp/checked.html"
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --hide-scrollbars --user-data-dir="$tmp/profile" \
  --window-size=1280,900 --virtual-time-budget=3000 --dump-dom \
  "file://$tmp/checked.html" >"$tmp/dom.html" 2>"$tmp/chromium.err"
verdict=$(grep -o 'charts=[0-9]* width=[0-9]* [^<]*' "$tmp/dom.html" | head -1)
echo "browser: ${verdict:-no verdict}"
case "$verdict" in
  "charts=$figures width=1280 OK") ok ;;
  "") fail "chromium gave no verdict: $(tail -3 "$tmp/chromium.err")" ;;
  *) fail "$verdict (want charts=$figures width=1280 OK)" ;;
esac
finish
