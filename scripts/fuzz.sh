#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ one after another, each for a fixed time,
# then prints each target's executions, final coverage and whether it crashed.
#
#   scripts/fuzz.sh                       # every target, 300 s each
#   scripts/fuzz.sh --time 60 parse_vtt rubric
#   scripts/fuzz.sh --time 1800 --plateau 300   # until coverage stops growing
#
# --plateau SECS stops a target early once its coverage has not grown for SECS
# seconds; --time stays the cap. Targets are built without a sanitizer but with
# debug assertions: the crate has no unsafe code, so AddressSanitizer would only
# slow it down threefold, while debug assertions turn integer overflow into a
# crash the fuzzer can find.
#
# One libFuzzer process at a time: the figures stay comparable between runs and
# the machine stays usable. New inputs go to fuzz/work/<target> (not committed);
# the seeds in fuzz/corpus/<target> (made by fuzz/make_corpus.py when absent)
# are only read. Crashes land in
# fuzz/artifacts/<target>/ and logs in fuzz/logs/<target>.log.
set -euo pipefail

time_per_target=300
plateau=0
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) time_per_target="$2"; shift 2 ;;
        --time=*) time_per_target="${1#--time=}"; shift ;;
        --plateau) plateau="$2"; shift 2 ;;
        --plateau=*) plateau="${1#--plateau=}"; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

cd "$(dirname "$0")/../fuzz"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Inputs about as large as real uploads would make each execution slow without
# reaching new code; these caps keep the fuzzer on structure.
max_len() {
    case "$1" in
        parse_*) echo 65536 ;;
        phrase) echo 4096 ;;
        rubric) echo 32768 ;;
        score) echo 16384 ;;
        *) echo 65536 ;;
    esac
}

# The seeds are generated from the repository's fixtures, rubrics and golden
# role-plays rather than committed: build them on a fresh clone.
if [[ -z "$(ls -A corpus 2>/dev/null)" ]]; then
    python3 make_corpus.py
fi

fuzz_flags=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${fuzz_flags[@]}"
bin_dir="target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

# Latest coverage figure libFuzzer printed, or empty before its first status line.
coverage() {
    { grep -oE 'cov: [0-9]+' "$1" || true; } | tail -1 | sed 's/cov: //'
}

mkdir -p logs
status=0
for target in "${targets[@]}"; do
    mkdir -p "work/$target" "artifacts/$target" "corpus/$target"
    log="logs/$target.log"
    if (( plateau > 0 )); then
        echo "== $target: up to ${time_per_target}s, or until ${plateau}s pass without new coverage"
    else
        echo "== $target: ${time_per_target}s"
    fi
    started=$SECONDS
    "$bin_dir/$target" "work/$target" "corpus/$target" \
        -max_total_time="$time_per_target" -max_len="$(max_len "$target")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/" >"$log" 2>&1 &
    pid=$!
    last_cov=""
    last_growth=$SECONDS
    stop_reason="time-cap"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        cov=$(coverage "$log")
        if [[ "$cov" != "$last_cov" ]]; then
            last_cov=$cov
            last_growth=$SECONDS
        elif (( plateau > 0 && SECONDS - last_growth >= plateau )); then
            stop_reason="plateau"
            # libFuzzer prints its final statistics on SIGINT and exits 0.
            kill -INT "$pid" 2>/dev/null || true
            break
        fi
    done
    if ! wait "$pid"; then
        status=1
        stop_reason="failed"
    fi
    elapsed=$((SECONDS - started))
    echo "$elapsed $stop_reason $((SECONDS - last_growth))" >"logs/$target.summary"
done

printf '\n%-18s %8s %12s %8s %-9s %s\n' target seconds executions cov stopped result
for target in "${targets[@]}"; do
    log="logs/$target.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    read -r seconds stopped _ <"logs/$target.summary" || true
    cov=$(coverage "$log")
    if grep -qE 'ERROR: libFuzzer|panicked at|deadly signal' "$log"; then
        result="CRASH: $(ls -t "artifacts/$target" | head -1)"
    else
        result=ok
    fi
    printf '%-18s %8s %12s %8s %-9s %s\n' "$target" "${seconds:-?}" "${execs:-?}" "${cov:-?}" \
        "${stopped:-?}" "$result"
done
exit $status
