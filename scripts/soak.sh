#!/usr/bin/env bash
# Soak test of `rolemark serve` on loopback: a bounded run at high concurrency with a
# mix of good, malformed and oversized requests, then checks that no response was a
# 5xx, that resident memory stopped growing, and that /readyz still answers.
#
#   scripts/soak.sh [--duration SECONDS (120)] [--connections N (256)] [--port N (18081)] [--no-build]
#
# The server runs with a 256 KiB body limit so that oversized requests are cheap to
# send. Memory is sampled every second. The allocator's arenas fill up over the
# first minute, so the check is on the trend: memory "stopped growing" when the
# highest resident size rose by at most 4 MB, or by at most a quarter of what it rose
# over the first two thirds, between the middle and the last third of the run (a
# leak grows at a steady rate; warming up slows down). Exit status 0 when every
# check passes, 1 otherwise.
set -euo pipefail

duration=120
connections=256
port=18081
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --port) port="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

root="$(cd "$(dirname "$0")/.." && pwd)"

name=soak
# shellcheck source=scripts/server-lib.sh
. "$root/scripts/server-lib.sh"
ensure_wrk
release_binary "$build"

work="$(mktemp -d)"
sampler_pid=""
trap '[ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null; stop_server' EXIT
trap 'exit 130' INT TERM
start_server "$bin" "$port" --max-body-bytes 262144

# The request mix: METHOD PATH CONTENT-TYPE on the first line, the body after it.
req() { local file="$work/req-$1"; shift; printf '%s\n' "$*" >"$file"; cat >>"$file"; echo "$file"; }
roleplay="$work/roleplay.txt"
"$bin" generate --seed 7 --bytes 4096 >"$roleplay"
files=(
  "$(req good-text POST '/v1/score?rubric=challenging-customers' text/plain <"$roleplay")"
  "$(req good-heat POST '/v1/score?rubric=heat&include_transcript=false' text/plain <"$roleplay")"
  "$(req good-batch POST /v1/score/batch application/x-ndjson < <("$bin" generate --ndjson --seed 3 --count 4 --bytes 2048))"
  "$(req bad-json POST /v1/score application/json <<<'{"rubric": "heat", "transcript_text": ')"
  "$(req bad-type POST /v1/score application/json <<<'{"rubric": 7, "transcript": "no"}')"
  "$(req no-learner POST '/v1/score?rubric=heat' text/plain <<<'Alex: hello there')"
  "$(req unknown-rubric POST '/v1/score?rubric=no-such-rubric' text/plain <"$roleplay")"
  "$(req bad-utf8 POST '/v1/score?rubric=heat' text/plain < <(printf 'Customer: caf\xe9 \xff\xfe\nAgent: sorry\n'))"
  "$(req bad-batch POST /v1/score/batch application/x-ndjson < <(printf '{"rubric": "heat"}\nnot json\n'))"
  "$(req oversized POST '/v1/score?rubric=heat' text/plain < <(head -c 300000 /dev/zero | tr '\0' 'a'))"
  "$(req bad-rubric POST /v1/rubrics/validate application/toml <<<'id = "x"
title = ')"
  "$(req wrong-method GET /v1/score/batch text/plain </dev/null)"
)

rss_start=$(vm_kb VmRSS)
(
  while kill -0 "$server_pid" 2>/dev/null; do
    echo "$(date +%s) $(vm_kb VmRSS)"
    sleep 1
  done
) >"$work/rss.log" 2>/dev/null &
sampler_pid=$!

echo "soak: ${duration}s, $connections connections, ${#files[@]} kinds of request" >&2
wrk -t2 -c"$connections" -d"${duration}s" --timeout 20s -s "$root/scripts/soak.lua" \
  "http://127.0.0.1:$port" -- "${files[@]}" >"$work/wrk.out"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""

result=$(grep '^RESULT ' "$work/wrk.out" || true)
[ -n "$result" ] || { echo "soak: wrk printed no result:" >&2; cat "$work/wrk.out" >&2; exit 1; }
get() { printf '%s\n' "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
readyz=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/readyz" || true)
peak=$(vm_kb VmHWM)
growth=$(awk -v n="$(wc -l <"$work/rss.log")" '
  { rss[NR] = $2 }
  END {
    third = int(n / 3)
    for (i = third + 1; i <= 2 * third; i++) if (rss[i] > middle) middle = rss[i]
    for (i = 2 * third + 1; i <= n; i++) if (rss[i] > last) last = rss[i]
    printf "%d %d", middle, last
  }' "$work/rss.log")
middle=${growth% *}
last=${growth#* }

awk -v n="$(get requests)" -v us="$(get duration_us)" -v ok="$(get s2xx)" -v c4="$(get s4xx)" \
  -v c5="$(get s5xx)" -v other="$(get other)" -v p99="$(get p99_us)" -v ready="$readyz" \
  -v socket="$(( $(get connect_errors) + $(get read_errors) + $(get write_errors) + $(get timeouts) ))" \
  -v start="$rss_start" -v middle="$middle" -v last="$last" -v peak="$peak" 'BEGIN {
    printf "requests:        %d in %.0f s (%.0f/s)\n", n, us / 1e6, n / (us / 1e6)
    printf "responses:       %d 2xx, %d 4xx, %d 5xx, %d other\n", ok, c4, c5, other
    printf "socket errors:   %d (connect/read/write/timeout)\n", socket
    printf "latency p99:     %.1f ms\n", p99 / 1000
    printf "server RSS:      %.1f MB at start, highest %.1f MB in the middle third, %.1f MB in the last; peak %.1f MB\n", start / 1024, middle / 1024, last / 1024, peak / 1024
    printf "/readyz after:   %s\n", ready
  }'

failed=0
[ "$(get s5xx)" = 0 ] || { echo "soak: FAIL: $(get s5xx) responses were 5xx" >&2; failed=1; }
[ "$readyz" = 200 ] || { echo "soak: FAIL: /readyz answered $readyz" >&2; failed=1; }
early=$(( middle - rss_start ))
late=$(( last - middle ))
if [ "$late" -gt 4096 ] && [ $(( late * 4 )) -gt "$early" ]; then
  echo "soak: FAIL: memory still growing ($rss_start KB at start, $middle KB, then $last KB)" >&2
  failed=1
fi
[ "$(get requests)" -gt 0 ] || { echo "soak: FAIL: no requests completed" >&2; failed=1; }
[ "$failed" = 0 ] && echo "soak: passed" >&2
exit "$failed"
