-- wrk script: the product page's POST webhook, one event id per request in turn.
--   WRK_API_KEY=hk_... WRK_EVENT_FORMAT=ev-%05d WRK_EVENT_COUNT=10000 \
--     wrk -t2 -c32 -d10s -s bench/peers/post.lua http://127.0.0.1:PORT/public-api/integration/webhooks
-- WRK_EVENT_FORMAT (string.format pattern, given 1..WRK_EVENT_COUNT) defaults to "ev-%05d"; with
-- WRK_EVENT_COUNT unset or 0, every request names WRK_EVENT_ID (default "ev-00001"). WRK_SENSOR_DATA=1 adds a
-- sensor_data object. Each thread starts at a different event id. 200s = requests - "Non-2xx or 3xx responses".
local key = os.getenv("WRK_API_KEY") or "hk_benchkey123"
local format = os.getenv("WRK_EVENT_FORMAT") or "ev-%05d"
local count = tonumber(os.getenv("WRK_EVENT_COUNT") or "0") or 0
local fixed = os.getenv("WRK_EVENT_ID") or "ev-00001"
local sensor = os.getenv("WRK_SENSOR_DATA") == "1"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-webhook-apikey"] = key

local function body(event_id)
    if sensor then
        return '{"event_id":"' .. event_id .. '","sensor_data":{"id":"door-3","event":"opened","value":"1"}}'
    end
    return '{"event_id":"' .. event_id .. '"}'
end

local threads = 0
function setup(thread)
    thread:set("thread_index", threads)
    threads = threads + 1
end

local n
function init(args)
    n = (thread_index or 0) * 7919
    if count <= 0 then
        wrk.body = body(fixed)
    end
end

if count > 0 then
    function request()
        n = n + 1
        return wrk.format(nil, nil, nil, body(string.format(format, (n % count) + 1)))
    end
end
