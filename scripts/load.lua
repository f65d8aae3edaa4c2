-- wrk script for scripts/load.sh: POST /v1/generate, 3 continuations of 20 characters after one of ten prefixes
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prefixes = {"the time ", "traveller ", "it was ", "and then ", "he said ", "we ", "the machine ", "in the ", "i saw ", "there "}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, "/v1/generate", nil, '{"prefix": "' .. prefixes[i % #prefixes + 1] .. '", "length": 20, "samples": 3, "temperature": 0.8}')
end
