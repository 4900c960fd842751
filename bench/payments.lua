-- wrk script for bench/payments.py and bench/scale.py: one script for every request kind they send.
--
--   wrk -t1 -c16 -d5s --latency -H 'Authorization: Bearer phk_...' -s bench/payments.lua URL -- MODE SEED EXPECT
--
-- MODE    get      send the URL's request as it is (bare endpoint, invoice read), headers from -H
--         payment  POST /v1/payments: an automatic-capture payment of an unapplied amount for a demo customer,
--                  with an Idempotency-Key that no other request of any run shares
--                  (SEED, which the caller makes unique per wrk run, + thread number + per-thread counter)
-- SEED    any string; part of every Idempotency-Key
-- EXPECT  a Lua pattern the body of a good response contains (e.g. '"posting_status":%s*"confirmed"');
--         "" to accept any 2xx
--
-- Every response is counted by status. A 2xx whose body lacks EXPECT counts as "unexpected", anything
-- else as "non2xx"; done() prints one `wrkbench name=value` line per figure, which the Python side parses
-- (wrk's own summary hides which statuses came back). bench/paced.lua adds a fixed request rate.

local threads = {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

local customers = { "cus_acme", "cus_globex", "cus_initech" }
local mode, seed, expect, fixed
local counter = 0

function init(args)
   mode = args[1] or "get"
   seed = args[2] or tostring(os.time())
   expect = args[3] or ""
   ok, non2xx, unexpected = 0, 0, 0
   statuses = {}
   sample = ""
   if mode ~= "payment" then
      fixed = wrk.format()  -- the same bytes every time
   end
end

function request()
   if fixed then
      return fixed
   end
   counter = counter + 1
   local body = string.format(
      '{"customer":"%s","unapplied":{"amount":%d,"currency":"USD"},'
         .. '"payment_method":{"type":"card","token":"tok_visa"},"capture_method":"automatic"}',
      customers[counter % #customers + 1], 100 + (counter * 7919) % 9900)
   local headers = {}
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   headers["Content-Type"] = "application/json"
   headers["Idempotency-Key"] = string.format("bench-%s-t%d-%d", seed, tid, counter)
   return wrk.format("POST", "/v1/payments", headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status >= 200 and status < 300 then
      if expect == "" or (body and string.find(body, expect)) then
         ok = ok + 1
         return
      end
      unexpected = unexpected + 1
   else
      non2xx = non2xx + 1
   end
   if sample == "" then
      sample = tostring(status) .. " " .. string.sub(string.gsub(body or "", "%s+", " "), 1, 300)
   end
end

function done(summary, latency, requests)
   local total = { ok = 0, non2xx = 0, unexpected = 0 }
   local by_status, first = {}, ""
   for _, thread in ipairs(threads) do
      for name, _ in pairs(total) do
         total[name] = total[name] + (thread:get(name) or 0)
      end
      for status, n in pairs(thread:get("statuses") or {}) do
         by_status[status] = (by_status[status] or 0) + n
      end
      if first == "" then
         first = thread:get("sample") or ""
      end
   end
   local parts = {}
   for status, n in pairs(by_status) do
      table.insert(parts, string.format("%d:%d", status, n))
   end
   table.sort(parts)
   local e = summary.errors
   local out = {
      requests = summary.requests, duration_us = summary.duration, bytes = summary.bytes,
      ok = total.ok, non2xx = total.non2xx, unexpected = total.unexpected,
      connect_errors = e.connect, read_errors = e.read, write_errors = e.write, timeouts = e.timeout,
      p50_us = latency:percentile(50), p90_us = latency:percentile(90), p99_us = latency:percentile(99),
      max_us = latency.max, mean_us = latency.mean,
   }
   for name, value in pairs(out) do
      io.write(string.format("wrkbench %s=%s\n", name, tostring(value)))
   end
   io.write(string.format("wrkbench statuses=%s\n", table.concat(parts, ",")))
   io.write(string.format("wrkbench sample=%s\n", first))
end
