#!/usr/bin/env bash
# --hlog read by HdrHistogram's own tool: HistogramLogProcessor (Java,
# Debian's libhdrhistogram-java) decodes every interval of a real run's log
# to the count and max of the run's histograms in the JSON; and the shards'
# logs, concatenated, give HdrHistogram the very distribution of the log of
# their merge (it adds intervals of one tag as merge adds histograms).
# Skipped (exit 77) without java or the jar ($HDRHISTOGRAM_JAR, default
# Debian's path).
# Usage: hlog_tools_test.sh APBENCH PYTHON3
set -u
apbench="$1"
python="${2:-python3}"
jar="${HDRHISTOGRAM_JAR:-/usr/share/java/hdrhistogram.jar}"
if ! command -v java >/dev/null || [ ! -f "$jar" ]; then
  echo "skipped: needs java and HdrHistogram's jar ($jar; apt-get install" \
    "libhdrhistogram-java)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An open loop (latency and service-time intervals) and a closed loop.
"$apbench" --filter io.sleep --set delay=2ms --set distribution=uniform \
  --rate 200 --duration 300ms --strategy sequential,async --repetitions 2 \
  --warmup 0 --quiet --no-color --json "$tmp/open.json" --hlog "$tmp/open.hlog" \
  >/dev/null 2>&1 || { echo "FAIL: the open-loop run"; exit 1; }
"$apbench" --filter io.sleep --set delay=1ms --set distribution=exponential \
  --ops 50 --strategy async,threads --repetitions 2 --warmup 0 --quiet \
  --no-color --json "$tmp/closed.json" --hlog "$tmp/closed.hlog" \
  >/dev/null 2>&1 || { echo "FAIL: the closed-loop run"; exit 1; }

failed=0
for run in open closed; do
  # HistogramLogProcessor reads the intervals of one tag: its summary line
  # "#[Max = M, Total count = N]" (M in ms) for every tag of the log.
  : >"$tmp/$run.decoded"
  while IFS= read -r tag; do
    out=$(java -cp "$jar" org.HdrHistogram.HistogramLogProcessor \
      -i "$tmp/$run.hlog" -tag "$tag" 2>&1)
    line=$(grep -E '^#\[Max += +[0-9.]+, Total count += +[0-9]+\]' <<<"$out")
    if [ -z "$line" ]; then
      echo "FAIL: HistogramLogProcessor read no histogram of tag $tag:"
      head -5 <<<"$out"
      failed=$((failed + 1))
      continue
    fi
    sed -E 's/^#\[Max += +([0-9.]+), Total count += +([0-9]+)\]/\2 \1/' \
      <<<"$line" >>"$tmp/$run.decoded"
  done < <(sed -nE 's/^Tag=([^,]*),.*/\1/p' "$tmp/$run.hlog")

  # The same counts, and maxima within HdrHistogram's precision (it reports
  # the top of the max's bucket: at most 1/1024 above the exact max).
  verdict=$("$python" - "$tmp/$run.json" "$tmp/$run.decoded" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
want = []
for r in runs:
    for key in ("latency_histogram_ns", "service_time_histogram_ns"):
        h = r.get(key)
        if h and h["count"] > 0:
            want.append((h["count"], h["max_ns"] / 1e6))
got = [(int(c), float(m)) for c, m in
       (line.split() for line in open(sys.argv[2]) if line.strip())]
want.sort()
got.sort()
ok = len(want) == len(got) and len(want) >= 2 and all(
    wc == gc and wm - 0.0015 <= gm <= wm * (1 + 1 / 1024) + 0.0015
    for (wc, wm), (gc, gm) in zip(want, got))
print("ok" if ok else f"JSON {want} but HistogramLogProcessor {got}")
EOF
)
  if [ "$verdict" = "ok" ]; then
    echo "ok: $run-loop log: HistogramLogProcessor reads every interval" \
      "($(wc -l <"$tmp/$run.decoded") tags)"
  else
    echo "FAIL: $run-loop log: $verdict"
    failed=$((failed + 1))
  fi
done
# Three shards, merged; HdrHistogram's percentile distribution of each tag
# is the same from the merged log and from the shards' logs one after
# another (the StartTime lines aside).
shard=(--filter io.sleep --set delay=1ms --set distribution=exponential
  --rate 300 --duration 300ms --strategy async --repetitions 1 --warmup 0
  --quiet --no-color)
for i in 0 1 2; do
  "$apbench" "${shard[@]}" --shard "$i/3" --json "$tmp/s$i.json" \
    --hlog "$tmp/s$i.hlog" >/dev/null 2>&1 || { echo "FAIL: shard $i"; exit 1; }
done
"$apbench" merge "$tmp/s0.json" "$tmp/s1.json" "$tmp/s2.json" --quiet \
  --hlog "$tmp/merged.hlog" >/dev/null 2>&1 || { echo "FAIL: merge"; exit 1; }
cat "$tmp/s0.hlog" "$tmp/s1.hlog" "$tmp/s2.hlog" >"$tmp/union.hlog"
tags=0
while IFS= read -r tag; do
  tags=$((tags + 1))
  for log in merged union; do
    java -cp "$jar" org.HdrHistogram.HistogramLogProcessor -i "$tmp/$log.hlog" \
      -tag "$tag" 2>&1 | grep -v StartTime >"$tmp/$log.txt"
  done
  if grep -q 'Total count *= *90\]' "$tmp/merged.txt" &&
    cmp -s "$tmp/merged.txt" "$tmp/union.txt"; then
    echo "ok: $tag: merged log = the shards' logs added by HdrHistogram"
  else
    echo "FAIL: $tag: HdrHistogram reads the merged log and the shards' logs" \
      "differently:"
    diff "$tmp/merged.txt" "$tmp/union.txt" | head -10
    failed=$((failed + 1))
  fi
done < <(sed -nE 's/^Tag=([^,]*),.*/\1/p' "$tmp/merged.hlog")
if [ "$tags" -ne 2 ]; then
  echo "FAIL: the merged log has $tags tags, not 2 (latency and service time)"
  failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
