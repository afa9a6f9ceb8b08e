#!/usr/bin/env bash
# Load test of `rolemark serve` with wrk, on loopback.
#
#   scripts/loadtest.sh            POST /v1/score, a typical generated role-play as text/plain
#   scripts/loadtest.sh --batch    POST /v1/score/batch, NDJSON of generated role-plays
#
# Options: --duration SECONDS (20), --threads N (2), --connections N (64; 8 with --batch),
# --port N (18080), --bytes N (4096, per transcript), --count N (200 lines per batch),
# --seed N (1), --no-build. Environment: RUST_LOG for the server (default `warn`, so the
# test measures scoring, not per-request log lines), CARGO_TARGET_DIR as cargo reads it,
# QUERY to replace the score query string (default `rubric=challenging-customers`).
#
# Prints requests/s, latency p50/p90/p99, errors, the server's peak resident memory
# (VmHWM) and, with --batch, NDJSON megabytes per second.
set -euo pipefail

mode=single
duration=20
threads=2
connections=
port=18080
bytes=4096
count=200
seed=1
build=1

while [ $# -gt 0 ]; do
  case "$1" in
    --batch) mode=batch ;;
    --duration) duration="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --port) port="$2"; shift ;;
    --bytes) bytes="$2"; shift ;;
    --count) count="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "loadtest: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$connections" ]; then
  # A batch request carries hundreds of transcripts: a few connections already keep
  # both cores busy, and 64 would only measure queueing.
  if [ "$mode" = batch ]; then connections=8; else connections=64; fi
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
lua="$root/scripts/loadtest.lua"

name=loadtest
# shellcheck source=scripts/server-lib.sh
. "$root/scripts/server-lib.sh"
ensure_wrk

release_binary "$build"

work="$(mktemp -d)"
trap stop_server EXIT
trap 'exit 130' INT TERM

base="http://127.0.0.1:$port"
start_server "$bin" "$port"

if [ "$mode" = batch ]; then
  body="$work/batch.ndjson"
  "$bin" generate --ndjson --seed "$seed" --bytes "$bytes" --count "$count" >"$body"
  url="$base/v1/score/batch"
  content_type="application/x-ndjson"
else
  body="$work/roleplay.txt"
  "$bin" generate --seed "$seed" --bytes "$bytes" >"$body"
  url="$base/v1/score?${QUERY:-rubric=challenging-customers}"
  content_type="text/plain"
fi
body_bytes=$(wc -c <"$body")

# One request by hand first: a load test of error responses would measure nothing.
status=$(curl -s -o "$work/first.out" -w '%{http_code}' -H "Content-Type: $content_type" \
  --data-binary @"$body" "$url")
if [ "$status" != 200 ]; then
  echo "loadtest: the first request got HTTP $status:" >&2
  head -c 2000 "$work/first.out" >&2
  exit 1
fi
if [ "$mode" = batch ] && grep -q '"error"' "$work/first.out"; then
  echo "loadtest: the batch had failing lines:" >&2
  grep '"error"' "$work/first.out" | head -3 >&2
  exit 1
fi
rss_before=$(vm_kb VmRSS)

echo "loadtest: $mode, $url, body $body_bytes bytes, wrk -t$threads -c$connections -d${duration}s" >&2
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency --timeout 10s -s "$lua" "$url" \
  -- "$body" "$content_type" >"$work/wrk.out"

peak_kb=$(vm_kb VmHWM)
rss_after=$(vm_kb VmRSS)
result=$(grep '^RESULT ' "$work/wrk.out" || true)
if [ -z "$result" ]; then
  echo "loadtest: wrk printed no result:" >&2
  cat "$work/wrk.out" >&2
  exit 1
fi
get() { printf '%s\n' "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

requests=$(get requests)
duration_us=$(get duration_us)
awk -v n="$requests" -v us="$duration_us" -v p50="$(get p50_us)" -v p90="$(get p90_us)" \
  -v p99="$(get p99_us)" -v max="$(get max_us)" -v body="$body_bytes" -v read="$(get bytes_read)" \
  -v mode="$mode" -v lines="$count" -v peak="$peak_kb" -v before="$rss_before" -v after="$rss_after" \
  -v errors="$(( $(get connect_errors) + $(get read_errors) + $(get write_errors) + $(get timeouts) ))" \
  -v non2xx="$(get non2xx)" 'BEGIN {
    s = us / 1e6
    printf "requests:        %d in %.1f s\n", n, s
    printf "requests/s:      %.0f\n", n / s
    printf "latency p50:     %.2f ms\n", p50 / 1000
    printf "latency p90:     %.2f ms\n", p90 / 1000
    printf "latency p99:     %.2f ms\n", p99 / 1000
    printf "latency max:     %.2f ms\n", max / 1000
    printf "errors:          %d socket/timeout, %d non-2xx\n", errors, non2xx
    if (mode == "batch") {
      printf "NDJSON in:       %.1f MB/s (%d lines a request, %.2f MB a request)\n", n * body / s / 1e6, lines, body / 1e6
      printf "transcripts/s:   %.0f\n", n * lines / s
      printf "responses out:   %.1f MB/s\n", read / s / 1e6
    } else {
      printf "body:            %d bytes; responses %.1f MB/s\n", body, read / s / 1e6
    }
    printf "server RSS:      %.1f MB at start, %.1f MB after, peak (VmHWM) %.1f MB\n", before / 1024, after / 1024, peak / 1024
  }'
