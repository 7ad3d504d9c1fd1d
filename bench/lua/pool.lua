-- wrk script for bench/: one endpoint, values from a pool file, per-status counts, a JSON summary.
-- args: method, path, body template, headers ("Name: value" joined by "\n"), pool file ("" = none),
--       single_use ("1" or "0"), number of wrk threads. "$V" in path/body/headers is replaced by a value.

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- "$V" is the whole value; a value of tab-separated fields also fills "$V1", "$V2", ... with them.
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
  single_use = args[6] == "1"
  templated_path = path:find("$V", 1, true) ~= nil
  local nthreads = tonumber(args[7])
  header_templates = {}
  for line in (args[4] .. "\n"):gmatch("(.-)\n") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then header_templates[name] = value end
  end
  -- Each thread keeps every nthreads-th line, so no value is handed out by two threads.
  values = {}
  if args[5] ~= "" then
    local i = 0
    for line in io.lines(args[5]) do
      if i % nthreads == tid and line ~= "" then values[#values + 1] = line end
      i = i + 1
    end
  end
  statuses = {}
  wrapped = 0
  served = 0
  if #values == 0 then
    fixed_request = wrk.format(method, path, header_templates, body_template ~= "" and body_template or nil)
  end
end

function request()
  if fixed_request then return fixed_request end
  served = served + 1
  -- A single-use value handed out again (the pool was too small) is counted so the report says so.
  if single_use and served > #values then wrapped = wrapped + 1 end
  local value = values[(served - 1) % #values + 1]
  local headers = {}
  for name, template in pairs(header_templates) do headers[name] = fill(template, value) end
  local body = body_template ~= "" and fill(body_template, value) or nil
  return wrk.format(method, templated_path and fill(path, value) or path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, wrapped_total = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do totals[status] = (totals[status] or 0) + n end
    wrapped_total = wrapped_total + (thread:get("wrapped") or 0)
  end
  local parts = {}
  for status, n in pairs(totals) do parts[#parts + 1] = string.format('"%d":%d', status, n) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"wrapped":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, wrapped_total, table.concat(parts, ",")))
end
