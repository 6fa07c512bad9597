-- bench/runner/wrk_script.lua: the bench script for wrk on ONE connection
-- (wrk -t1 -c1 -s wrk_script.lua URL -- PATH MODE), the loopback limit.
--
-- The first request creates PATH (PUT, If-None-Match: *). Then, as long as wrk
-- runs (-d), MODE
--   alternate: a GET that captures the ETag, then a PUT with If-Match set to
--              it: the runners' script (200 on reads, 2xx on updates);
--   get:       GETs only (200), for reference.
-- With one connection wrk sends the next request only after response() saw
-- the previous one, so the ETag of a read is always the one the update sends.
-- done() prints "script: ok=N bad=N" for bench/runner.sh, which
-- refuses the run when bad > 0.

local path, mode = "/bench/wrk/r", "alternate"
local state, etag, i = "create", nil, 0
ok, bad = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = args[1] or path
  mode = args[2] or mode
end

function request()
  i = i + 1
  if state == "create" then
    return wrk.format("PUT", path, {["Content-Type"] = "text/plain", ["If-None-Match"] = "*"}, "v0")
  elseif state == "read" then
    return wrk.format("GET", path)
  end
  return wrk.format("PUT", path, {["Content-Type"] = "text/plain", ["If-Match"] = etag}, "v" .. i)
end

local function header(headers, name)
  local v = headers[name]
  if v then return v end
  name = name:lower()
  for k, val in pairs(headers) do
    if k:lower() == name then return val end
  end
end

function response(status, headers, body)
  if state == "read" then
    if status == 200 then ok = ok + 1 else bad = bad + 1 end
    etag = header(headers, "ETag")
    if mode == "alternate" then state = "update" end
  else -- create or update
    if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
    state = "read"
  end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok")
    b = b + t:get("bad")
  end
  io.write(string.format("script: ok=%d bad=%d\n", a, b))
end
