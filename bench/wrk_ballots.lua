-- wrk script of bench/throughput.py: POST one prepared request after another.
-- args: requests file ("path<TAB>cookie<TAB>body" per line), "once" or "cycle", wrk threads.
-- "once": each line is sent once (one ballot per resident); when a thread's share is used up
-- it sends GET /static/js/ballot.js (writes nothing) until the end. A response counts as acknowledged
-- when its status is the expected one; in_flight counts the POSTs sent but not answered
-- when wrk stopped (the server may still store them).
local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[3])
  local expected = tonumber(args[4])
  mine, acked, refused, errors, sent, answered, idle = {}, 0, 0, 0, 0, 0, 0
  idle_request = wrk.format("GET", "/static/js/ballot.js")
  once = args[2] == "once"
  want = expected
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
      if cookie ~= "" then headers["Cookie"] = cookie end
      table.insert(mine, wrk.format("POST", path, headers, body))
    end
    i = i + 1
  end
end

function request()
  sent = sent + 1
  if sent > #mine then
    if once then
      return idle_request -- this thread's residents have all voted: a request that writes nothing
    end
    return mine[(sent - 1) % #mine + 1]
  end
  return mine[sent]
end

function response(status, headers, body)
  answered = answered + 1
  if once and answered > #mine then
    idle = idle + 1
  elseif status == want then
    acked = acked + 1
  elseif status == 409 then
    refused = refused + 1
  else
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local a, r, e, f, i, x = 0, 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("acked")
    r = r + thread:get("refused")
    e = e + thread:get("errors")
    i = i + thread:get("idle")
    local posts = thread:get("once") and #thread:get("mine") or math.huge
    f = f + math.min(thread:get("sent"), posts) - math.min(thread:get("answered"), posts)
    if thread:get("once") and thread:get("sent") > #thread:get("mine") then x = x + 1 end
  end
  io.write(string.format(
    "RESULT acked=%d refused=%d errors=%d in_flight=%d idle=%d exhausted=%d socket_errors=%d seconds=%.3f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    a, r, e, f, i, x,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
