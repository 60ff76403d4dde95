-- wrk script for bench/overload.sh: every request asks for the timeline on
-- a random day (so the page cache cannot answer it), and the answers are
-- counted by status, with how many 503s carried Retry-After.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  retry = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local d = string.format("%04d-%02d-%02d", math.random(1950, 2025), math.random(1, 12), math.random(1, 28))
  return wrk.format("GET", "/timeline?as_of=" .. d)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 503 and headers["Retry-After"] then
    retry = retry + 1
  end
end

function done(summary, latency, requests)
  local total, r = {}, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do
      total[s] = (total[s] or 0) + n
    end
    r = r + t:get("retry")
  end
  local line = "statuses:"
  for s, n in pairs(total) do
    line = line .. " " .. s .. "=" .. n
  end
  io.write(line .. " 503-with-Retry-After=" .. r .. "\n")
  io.write(string.format("latency p50=%.1fms p99=%.1fms max=%.1fms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
