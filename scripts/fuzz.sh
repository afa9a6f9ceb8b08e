#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ one after another, each for a fixed time,
# then prints each target's executions, final coverage and whether it crashed.
#
#   scripts/fuzz.sh                       # every target, 300 s each
#   scripts/fuzz.sh --time 60 parse_vtt rubric
#
# One libFuzzer process at a time: the figures stay comparable between runs and
# the machine stays usable. New inputs go to fuzz/work/<target> (not committed);
# the seeds in fuzz/corpus/<target> (made by fuzz/make_corpus.py when absent)
# are only read. Crashes land in
# fuzz/artifacts/<target>/ and logs in fuzz/logs/<target>.log.
set -euo pipefail

time_per_target=300
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) time_per_target="$2"; shift 2 ;;
        --time=*) time_per_target="${1#--time=}"; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

cargo +nightly fuzz build

mkdir -p logs
status=0
for target in "${targets[@]}"; do
    mkdir -p "work/$target" "artifacts/$target" "corpus/$target"
    echo "== $target: ${time_per_target}s"
    if ! cargo +nightly fuzz run "$target" "work/$target" "corpus/$target" -- \
        -max_total_time="$time_per_target" -max_len="$(max_len "$target")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$target.log" 2>&1; then
        status=1
    fi
done

printf '\n%-18s %8s %12s %8s %s\n' target seconds executions cov result
for target in "${targets[@]}"; do
    log="logs/$target.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    cov=$(grep -oE '^#[0-9]+.* cov: [0-9]+' "$log" | tail -1 | sed 's/.*cov: //')
    if grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|panicked at' "$log"; then
        result="CRASH: $(ls -t "artifacts/$target" | head -1)"
    else
        result=ok
    fi
    printf '%-18s %8s %12s %8s %s\n' "$target" "${seconds:-?}" "${execs:-?}" "${cov:-?}" "$result"
done
exit $status
