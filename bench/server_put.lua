-- bench/server_put.lua: wrk script for bench/server.sh. Every request is a
-- conditional PUT to one of 256 resources per wrk thread, visited
-- round-robin: /bench/<run>/t<thread>/r<i> (<run> from the script argument,
-- so each run starts on fresh resources).
--
-- Per resource the script keeps the state of its last request:
--   nil       -> send If-None-Match: * (create), state "create"
--   "create"  -> (a create whose answer we never saw) create again
--   "*"       -> If-Match: * (re-sync after a 412)
--   <etag>    -> If-Match: <etag>, the normal case
-- The reference server puts Content-Location on 2xx PUT responses, so
-- response() knows which resource a new ETag belongs to, and a 412 body
-- names the path ("precondition failed for <path>:"): after a 412 the state
-- becomes "*" (it exists, our tag was stale) or, if "*" itself failed,
-- "create" (it is missing). With at most one request in flight per
-- connection and 256 resources per thread, 412s stay rare; the split is
-- printed by done().

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

local nres = 256
local etags = {}
local counter = 0
local prefix

ok2xx, n412, other = 0, 0, 0

function init(args)
  local run = args[1] or "run"
  prefix = "/bench/" .. run .. "/t" .. tid .. "/r"
end

function request()
  counter = counter + 1
  local path = prefix .. (counter % nres)
  local e = etags[path]
  local headers = {}
  if e == nil or e == "create" then
    headers["If-None-Match"] = "*"
    etags[path] = "create"
  else
    headers["If-Match"] = e
  end
  return wrk.format("PUT", path, headers, "body " .. tid .. " " .. counter)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
    local loc, etag = headers["Content-Location"], headers["ETag"]
    if loc and etag then etags[loc] = etag end
  elseif status == 412 then
    n412 = n412 + 1
    local path = body and body:match("precondition failed for (%S+):")
    if path then
      if etags[path] == "*" then etags[path] = "create" else etags[path] = "*" end
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok2xx")
    b = b + t:get("n412")
    c = c + t:get("other")
  end
  io.write(string.format("split: 2xx=%d 412=%d other=%d\n", a, b, c))
end
