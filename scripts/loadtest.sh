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
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
bin="$target_dir/release/rolemark"
lua="$root/scripts/loadtest.lua"

if ! command -v wrk >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=sudo
    else
      echo "loadtest: wrk is missing and installing it needs root (apt-get install wrk)" >&2
      exit 1
    fi
  fi
  echo "loadtest: installing wrk with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be stale or absent on a fresh machine: refresh only if needed.
  $sudo apt-get install -y -q wrk >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; }
fi
for tool in curl wrk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "loadtest: $tool is required" >&2; exit 1; }
done

if [ "$build" = 1 ]; then
  (cd "$root" && cargo build --release --quiet)
fi
[ -x "$bin" ] || { echo "loadtest: $bin not found (build, or drop --no-build)" >&2; exit 1; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Graceful shutdown finishes requests in flight; do not wait for ever.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base="http://127.0.0.1:$port"
if curl -s -o /dev/null --max-time 1 "$base/healthz"; then
  echo "loadtest: something already listens on port $port (use --port)" >&2
  exit 1
fi

RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!

ready=0
for _ in $(seq 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "loadtest: the server exited at start:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  if curl -sf -o /dev/null --max-time 1 "$base/healthz"; then ready=1; break; fi
  sleep 0.1
done
[ "$ready" = 1 ] || { echo "loadtest: no /healthz answer after 10 s" >&2; exit 1; }

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
rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")

echo "loadtest: $mode, $url, body $body_bytes bytes, wrk -t$threads -c$connections -d${duration}s" >&2
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency --timeout 10s -s "$lua" "$url" \
  -- "$body" "$content_type" >"$work/wrk.out"

peak_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
rss_after=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
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
