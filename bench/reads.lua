-- wrk script for bench/reads.sh: every request asks for a fresh random URL,
-- so that the page cache cannot answer it (but in mode "cached"). wrk
-- counts the answers that are not 2xx or 3xx itself ("Non-2xx or 3xx
-- responses", which bench/reads.sh reports: 503s from the bound on
-- requests at once, say); a response() function here would count them by
-- status, but makes wrk hand every body to Lua, which bounded the bare
-- handler's rate on large bodies.
--
--   wrk -t2 -c64 -d10s -s bench/reads.lua URL -- MODE [ARG]
--
-- MODE:
--   activity N       /api/v1/activities/SYN-A{1..N}, as entente generate names them
--   programme IDS    /api/v1/programmes/{one of IDS, comma-separated}/activities?as_of={random day}
--                    (the first page; the list does not depend on the day,
--                    which only makes each URL new to the page cache)
--   members CODE     /api/v1/alliances/CODE/members?as_of={random day}
--   partner CODES    /partners/{one of CODES, comma-separated}?as_of={random day}
--   page IDS         /programmes/{one of IDS}?as_of={a random day of 2024 to 2027}
--                    (the programme's page: its progress on the day, the first
--                    of its activities and of those overdue; every synthetic
--                    programme of entente generate is agreed by then)
--   cached PATH      PATH, always the same (the page cache answers it)
local seeds = 0

function setup(thread)
  seeds = seeds + 1
  thread:set("seed", seeds)
end

local function split(s)
  local out = {}
  for part in string.gmatch(s or "", "[^,]+") do
    table.insert(out, part)
  end
  return out
end

function init(args)
  mode, arg = args[1], args[2]
  list = split(arg)
  n = tonumber(arg) or 0
  math.randomseed(os.time() * 1000 + seed * 7919 + math.floor(os.clock() * 1e6))
end

local function day()
  return string.format("%04d-%02d-%02d", math.random(1949, 2026), math.random(1, 12), math.random(1, 28))
end

function request()
  local path
  if mode == "activity" then
    path = string.format("/api/v1/activities/SYN-A%08d", math.random(1, n))
  elseif mode == "programme" then
    path = "/api/v1/programmes/" .. list[math.random(#list)] .. "/activities?as_of=" .. day()
  elseif mode == "members" then
    path = "/api/v1/alliances/" .. arg .. "/members?as_of=" .. day()
  elseif mode == "page" then
    path = "/programmes/" .. list[math.random(#list)] .. "?as_of=" ..
      string.format("%04d-%02d-%02d", math.random(2024, 2027), math.random(1, 12), math.random(1, 28))
  elseif mode == "partner" then
    path = "/partners/" .. list[math.random(#list)] .. "?as_of=" .. day()
  else
    path = arg
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  io.write(string.format("latency p50=%.2f p95=%.2f p99=%.2f max=%.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
