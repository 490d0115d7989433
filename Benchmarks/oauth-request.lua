-- One fixed request for wrk, described by the environment:
-- BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_AUTHORIZATION, BENCH_CONTENT_TYPE.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then wrk.body = body end
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
local contentType = os.getenv("BENCH_CONTENT_TYPE")
if contentType and contentType ~= "" then wrk.headers["Content-Type"] = contentType end

local statuses = {}
response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
    io.write(string.format("p50_us=%d p99_us=%d\n", latency:percentile(50), latency:percentile(99)))
end
