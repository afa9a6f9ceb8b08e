# Shared by scripts/loadtest.sh and scripts/soak.sh (sourced, not run): install wrk,
# start `rolemark serve` on loopback, wait for it, and stop it on exit.
# The caller sets `name` (for messages), `root` (the repository) and `work` (a
# temporary directory).

# release_binary BUILD: sets `bin` to the release binary, building it first when
# BUILD is 1.
release_binary() {
  local target_dir="${CARGO_TARGET_DIR:-$root/target}"
  case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
  bin="$target_dir/release/rolemark"
  if [ "$1" = 1 ]; then
    (cd "$root" && cargo build --release --quiet)
  fi
  [ -x "$bin" ] || { echo "$name: $bin not found (build, or drop --no-build)" >&2; exit 1; }
}

ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null 2>&1; then
        sudo=sudo
      else
        echo "$name: wrk is missing and installing it needs root (apt-get install wrk)" >&2
        exit 1
      fi
    fi
    echo "$name: installing wrk with apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be stale or absent on a fresh machine: refresh only if needed.
    $sudo apt-get install -y -q wrk >/dev/null 2>&1 ||
      { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; }
  fi
  for tool in curl wrk; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$name: $tool is required" >&2; exit 1; }
  done
}

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Graceful shutdown finishes requests in flight; do not wait for ever.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}

# start_server BIN PORT [SERVE FLAGS...]: starts the server in the background, logging
# to $work/server.log, and returns once /healthz answers.
start_server() {
  local bin="$1" port="$2"
  shift 2
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; then
    echo "$name: something already listens on port $port (use --port)" >&2
    exit 1
  fi
  RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --bind "127.0.0.1:$port" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name: the server exited at start:" >&2
      cat "$work/server.log" >&2
      exit 1
    fi
    if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; then return 0; fi
    sleep 0.1
  done
  echo "$name: no /healthz answer after 10 s" >&2
  exit 1
}

# vm_kb FIELD: a memory figure of the server from /proc (VmRSS, VmHWM), in KB.
vm_kb() {
  awk -v field="$1:" '$1 == field {print $2}' "/proc/$server_pid/status"
}
