-- bench/payments.lua at a fixed request rate: the fourth argument is this thread's requests per second.
--
--   wrk -t1 -c16 -d10s --latency -s bench/paced.lua URL -- MODE SEED EXPECT RATE_PER_THREAD
--
-- Each request takes the next slot of a schedule of RATE_PER_THREAD slots a second and waits for it (wrk's
-- delay() hook). A late server makes the slots pile up in the past, and the requests then go out as fast as
-- the connections free up, so the rate holds as long as the connections suffice. Unlike wrk2, the latency
-- is measured from when the request is sent, not from its slot: no correction for coordinated omission.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "payments.lua")

local ffi = require("ffi")
ffi.cdef [[
   typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
   int clock_gettime(int clock_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
   return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local unpaced_init = init
local interval_ms, next_at

function init(args)
   unpaced_init(args)
   interval_ms = 1000 / tonumber(args[4] or "100")
end

function delay()
   local now = now_ms()
   next_at = next_at or now
   local at = next_at
   next_at = at + interval_ms
   if at <= now then
      return 0
   end
   return math.floor(at - now)
end
