-- wrk script for bench/ --scenario booking-contention: like pool.lua (cycling values, per-status counts),
-- but requests are sent only during a window, and error responses are counted by their problem `code`.
-- args: method, path, body template, headers ("Name: value" joined by "\n"), pool file, number of wrk
--       threads, window in milliseconds.
--
-- Why a window: wrk stops on time with a request in flight on every connection, and the server still
-- completes those (a booking is made) while nobody reads the answer, so "201s seen == seats sold" could not
-- hold. After the window each connection idles (delay()) once its last answer is in, and wrk runs on
-- for a drain period, so every request sent has been answered and counted when it stops.

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local IDLE_MS = 3600 * 1000

local function now_s()
  local ts = ffi.new("bench_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- "$V" is the whole value; a value of tab-separated fields also fills "$V1", "$V2", ... (as pool.lua).
local function fill(template, value)
  return (template:gsub("%$V(%d?)", function(n)
    if n == "" then return value end
    local i = 0
    for part in (value .. "\t"):gmatch("(.-)\t") do
      i = i + 1
      if i == tonumber(n) then return part end
    end
    return ""
  end))
end

function init(args)
  method, path, body_template = args[1], args[2], args[3]
  local nthreads = tonumber(args[6])
  window_s = tonumber(args[7]) / 1000
  header_templates = {}
  for line in (args[4] .. "\n"):gmatch("(.-)\n") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then header_templates[name] = value end
  end
  values = {}
  local i = 0
  for line in io.lines(args[5]) do
    if i % nthreads == tid and line ~= "" then values[#values + 1] = line end
    i = i + 1
  end
  statuses, codes = {}, {}
  served, sent, answered = 0, 0, 0
  first_sent, last_answered = 0, 0
end

-- wrk calls delay() before every request of a connection, the first included; and request() once more,
-- before the run, to check it (script_verify_request). So requests are counted here.
function delay()
  local now = now_s()
  if first_sent == 0 then first_sent = now end
  if now - first_sent >= window_s then return IDLE_MS end
  sent = sent + 1
  return 0
end

function request()
  served = served + 1
  local value = values[(served - 1) % #values + 1]
  local headers = {}
  for name, template in pairs(header_templates) do headers[name] = fill(template, value) end
  return wrk.format(method, path, headers, fill(body_template, value))
end

function response(status, headers, body)
  answered = answered + 1
  last_answered = now_s()
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 then
    local key = status .. " " .. (body:match('"code"%s*:%s*"([^"]+)"') or "?")
    codes[key] = (codes[key] or 0) + 1
  end
end

local function merge(into, from)
  for key, n in pairs(from or {}) do into[key] = (into[key] or 0) + n end
end

local function json_object(map)
  local parts = {}
  for key, n in pairs(map) do parts[#parts + 1] = string.format('"%s":%d', tostring(key), n) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local totals, code_totals = {}, {}
  local sent_total, answered_total, first, last = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    merge(totals, thread:get("statuses"))
    merge(code_totals, thread:get("codes"))
    sent_total = sent_total + (thread:get("sent") or 0)
    answered_total = answered_total + (thread:get("answered") or 0)
    local f, l = thread:get("first_sent") or 0, thread:get("last_answered") or 0
    if f > 0 and (first == nil or f < first) then first = f end
    if l > last then last = l end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"wrapped":0,"statuses":%s,"codes":%s,' ..
    '"sent":%d,"answered":%d,"active_us":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, json_object(totals), json_object(code_totals),
    sent_total, answered_total, first and math.floor((last - first) * 1e6) or 0))
end
