-- wrk script for bench/run: POST a new project with a name unique across
-- threads and runs (the run label comes after `--`).
-- `thread_number` is a global: setup() sets it in each thread's own state.
local counter = 0
local threads = 0
local label = "run"

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  label = args[1] or label
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format('{"name":"Bench %s %d-%d","color":"#0b83d9","billable":true}', label, thread_number,
    counter)
  return wrk.format(nil, nil, nil, body)
end
