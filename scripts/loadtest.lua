-- wrk script for scripts/loadtest.sh: POSTs one file as the body of every request.
-- Arguments (after `--`): BODY_FILE CONTENT_TYPE.
-- Prints one `RESULT key=value ...` line at the end for the shell script to read.

local request_text

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open body file " .. tostring(args[1]))
  local body = file:read("*a")
  file:close()
  local headers = { ["Content-Type"] = args[2] or "text/plain" }
  -- Built once per thread: every request is the same, and formatting it per request
  -- would put wrk's own Lua time into the measurement.
  request_text = wrk.format("POST", nil, headers, body)
end

function request()
  return request_text
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes_read=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
