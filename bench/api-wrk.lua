-- wrk script for bench/api.js: rotates over a file of requests, one per line, and prints the run's figures as
-- one JSON line (prefix WRKJSON) from done(). Usage: wrk -s bench/api-wrk.lua URL -- GET|POST FILE [PATH]
--   GET:  every line is a path with its query string (/api/entities/ID, /api/search?q=...)
--   POST: every line is a request body sent to PATH (/match/default); give Content-Type with -H
-- Each thread starts at another place in the list, so two threads do not ask the same thing in lockstep.

local threads = 0

function setup(thread)
  thread:set("offset", threads * 9973)
  threads = threads + 1
end

local requests = {}
local i = 0

function init(args)
  local method, file, path = args[1], args[2], args[3]
  for line in io.lines(file) do
    if line ~= "" then
      if method == "POST" then
        requests[#requests + 1] = wrk.format("POST", path, nil, line)
      else
        requests[#requests + 1] = wrk.format("GET", line, nil, nil)
      end
    end
  end
  if #requests == 0 then
    error("api-wrk.lua: no requests in " .. file)
  end
  i = (offset or 0) % #requests
end

function request()
  i = i + 1
  if i > #requests then
    i = 1
  end
  return requests[i]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)
  ))
end
