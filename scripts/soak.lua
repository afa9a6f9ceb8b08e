-- wrk script for scripts/soak.sh: cycles through a mix of good, malformed and
-- oversized requests, and counts responses by status class.
-- Arguments (after `--`): a list of request files, each `METHOD PATH CONTENT-TYPE`
-- on its first line and the body after it.

local requests = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for _, path in ipairs(args) do
    local file = assert(io.open(path, "rb"), "cannot open request file " .. path)
    local head = file:read("*l")
    local body = file:read("*a")
    file:close()
    local method, target, content_type = head:match("^(%S+) (%S+) (%S+)$")
    -- Built once per thread, so the soak measures the server, not wrk's Lua.
    table.insert(requests, wrk.format(method, target, { ["Content-Type"] = content_type }, body))
  end
  status_2xx, status_4xx, status_5xx, status_other = 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function response(status)
  if status >= 500 then
    status_5xx = status_5xx + 1
  elseif status >= 400 then
    status_4xx = status_4xx + 1
  elseif status >= 200 and status < 300 then
    status_2xx = status_2xx + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency)
  local totals = { 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    totals[1] = totals[1] + thread:get("status_2xx")
    totals[2] = totals[2] + thread:get("status_4xx")
    totals[3] = totals[3] + thread:get("status_5xx")
    totals[4] = totals[4] + thread:get("status_other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d s2xx=%d s4xx=%d s5xx=%d other=%d p99_us=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, totals[1], totals[2], totals[3], totals[4],
    latency:percentile(99), e.connect, e.read, e.write, e.timeout))
end
