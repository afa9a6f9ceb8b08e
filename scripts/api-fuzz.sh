#!/usr/bin/env bash
# Spec-driven API testing: schemathesis generates requests from
# openapi/rolemark.json, valid and invalid, and checks every response against
# the spec and for 5xx. It starts its own release `rolemark serve` on a free
# loopback port and stops it on exit.
#
#   scripts/api-fuzz.sh                 # 200 examples per operation
#   MAX_EXAMPLES=1000 scripts/api-fuzz.sh
#
# Needs python3 with venv and network access to PyPI on first run; the virtual
# environment is kept in $CARGO_TARGET_DIR (default target/) for later runs.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir="$(mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
venv="$target_dir/api-fuzz-venv"
max_examples="${MAX_EXAMPLES:-200}"
seed="${SEED:-1}"
report_dir="$target_dir/api-fuzz-report"

if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet schemathesis
fi
"$venv/bin/schemathesis" --version

# Request bodies schemathesis has no encoder for: NDJSON batches and TOML rubrics.
# Batch responses are NDJSON too; each line must be a result, and the first is
# checked against the BatchResult schema (the spec can describe one line only).
hooks_dir="$target_dir/api-fuzz-hooks"
mkdir -p "$hooks_dir"
cat >"$hooks_dir/rolemark_fuzz_hooks.py" <<'PYTHON'
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson_request(ctx, value):
    if value is None:
        return None
    lines = value if isinstance(value, list) else [value]
    return "".join(json.dumps(line) + "\n" for line in lines).encode("utf-8")


schemathesis.serializer.alias("application/toml", "text/plain")


@schemathesis.deserializer("application/x-ndjson")
def ndjson_response(ctx, response):
    # Split on "\n" only: str.splitlines() also splits inside JSON strings at
    # U+0085 and U+2028, which JSON leaves unescaped.
    text = response.content.decode("utf-8")
    lines = [json.loads(line) for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or ("assessment" in line) == ("error" in line):
            raise ValueError(f"batch result {number} has neither or both of assessment and error")
    if not lines:
        # A batch of no requests has no results: nothing to validate, which
        # schemathesis is told by NotImplementedError.
        raise NotImplementedError("an empty batch result")
    return lines[0]
PYTHON
export PYTHONPATH="$hooks_dir${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=rolemark_fuzz_hooks

cargo build --release --quiet
binary="$target_dir/release/rolemark"

log="$(mktemp)"
server_pid=""
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" || true
    fi
    rm -f "$log"
}
trap stop_server EXIT

# Port 0: the server picks a free port and names it in its first log line.
RUST_LOG=info "$binary" serve --bind 127.0.0.1:0 2>"$log" &
server_pid=$!
port=""
for _ in $(seq 1 300); do
    port="$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -n 1)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "rolemark serve exited" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$log"; echo "rolemark serve did not report its port" >&2; exit 1; }
base="http://127.0.0.1:$port"

# The served document must be the committed one, or the run tests the wrong spec.
if ! curl -fsS "$base/openapi.json" | python3 -c '
import json, sys
served = json.load(sys.stdin)
committed = json.load(open("openapi/rolemark.json"))
sys.exit(0 if served == committed else 1)'; then
    echo "GET /openapi.json differs from openapi/rolemark.json: regenerate it with 'cargo run -- openapi > openapi/rolemark.json'" >&2
    exit 1
fi

# Every check, less those that cannot apply to this API:
# - positive_data_acceptance expects any schema-valid request to succeed, but a
#   schema cannot say which rubric ids exist or what makes a transcript usable
#   (a learner turn, a known format), so valid-looking requests rightly get 404
#   and 422. Those answers are still checked by the conformance checks.
# - use_after_free, ensure_resource_availability, object_level_authorization:
#   the API creates and deletes no resources and has no per-object ownership.
# - ignored_auth: the server runs without API keys here (auth is optional in the
#   spec); tests/api/auth.rs covers the keyed mode.
not_applicable=positive_data_acceptance,use_after_free,ensure_resource_availability,object_level_authorization,ignored_auth
spec="$PWD/openapi/rolemark.json"
fuzz() {
    # Run from the target directory: schemathesis keeps a cache in the working one.
    (cd "$target_dir" && "$venv/bin/schemathesis" run "$spec" \
        --url "$base" \
        --checks all \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --workers 2 \
        --request-timeout 60 \
        --report junit \
        --report-dir "$report_dir" \
        "$@")
}
status=0
fuzz --exclude-checks "$not_applicable" \
    --exclude-path /v1/score/batch --exclude-path /v1/rubrics/validate || status=1
# These two answer a request that is good HTTP but not a usable rubric or batch
# line with a 200 that reports the problem, by design: validation returns
# `{"valid": false, "errors": [...]}` for any text, and a batch streams one result
# per line, so a bad line is an `error` line rather than a failed request. So
# negative_data_rejection, which wants a 4xx, does not apply to them.
fuzz --exclude-checks "$not_applicable,negative_data_rejection" \
    --include-path /v1/score/batch --include-path /v1/rubrics/validate || status=1
exit "$status"
