-- wrk script for scripts/bench-events.sh: POST /v1/events with a new event each request.
--
-- Environment (read once per wrk thread):
--   BENCH_API_KEY      API key with events:write (required)
--   BENCH_USERS        how many seeded users (default 8); user ids are BENCH_USER_PREFIX .. 1..N
--   BENCH_USER_PREFIX  (default "bench-user-")
--   BENCH_OCCURRED_AT  RFC 3339 timestamp of every event, computed once by the caller (required:
--                      the server refuses events more than 5 minutes in the future)
--   BENCH_RUN          a tag unique to this wrk run, so event ids never repeat across runs
--
-- Every request carries a unique event_id (run tag, thread id, per-thread counter, random
-- suffix): a repeated id would be an idempotent replay (200), not an intake. Users are taken
-- round-robin, offset per thread; types cycle mood/sleep/symptom with a few values.
-- At the end, prints the status codes seen (summed over threads) and one non-2xx body.

local threads = {}
local thread_count = 0

function setup(thread)
    thread_count = thread_count + 1
    thread:set("thread_id", thread_count)
    table.insert(threads, thread)
end

local api_key, users, prefix, occurred_at, run_tag
local counter = 0
local user_index = 0
local types = { "mood", "sleep", "symptom" }
local values = {
    mood = { "good", "ok", "low" },
    sleep = { "7h", "8h", "6h" },
    symptom = { "headache", "none", "cough" },
}
statuses = {}
sample = nil

function init(args)
    api_key = os.getenv("BENCH_API_KEY") or error("BENCH_API_KEY is not set")
    users = tonumber(os.getenv("BENCH_USERS") or "8")
    prefix = os.getenv("BENCH_USER_PREFIX") or "bench-user-"
    occurred_at = os.getenv("BENCH_OCCURRED_AT") or error("BENCH_OCCURRED_AT is not set")
    run_tag = os.getenv("BENCH_RUN") or tostring(os.time())
    math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
    user_index = (thread_id or 0) * 3
    wrk.method = "POST"
    wrk.path = "/v1/events"
    wrk.headers["Authorization"] = "Bearer " .. api_key
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Accept"] = "application/json"
end

function request()
    counter = counter + 1
    user_index = user_index % users + 1
    local kind = types[counter % 3 + 1]
    local value = values[kind][math.random(3)]
    local event_id = string.format("wrk-%s-t%d-%d-%06x", run_tag, thread_id or 0, counter, math.random(0, 0xffffff))
    local body = string.format(
        '{"event_id":"%s","user_id":"%s%d","type":"%s","value":"%s","occurred_at":"%s"}',
        event_id, prefix, user_index, kind, value, occurred_at)
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    if (status < 200 or status > 299) and sample == nil then
        sample = body
    end
end

function done(summary, latency, requests)
    local totals = {}
    local first_sample = nil
    for _, thread in ipairs(threads) do
        local seen = thread:get("statuses")
        for status, n in pairs(seen or {}) do
            totals[status] = (totals[status] or 0) + n
        end
        first_sample = first_sample or thread:get("sample")
    end
    local parts = {}
    for status, n in pairs(totals) do
        table.insert(parts, string.format("%d=%d", status, n))
    end
    table.sort(parts)
    io.write("status codes: ", table.concat(parts, " "), "\n")
    if first_sample then
        io.write("non-2xx sample: ", first_sample, "\n")
    end
end
