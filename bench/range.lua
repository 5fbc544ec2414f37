-- wrk script for bench/range-vs-nginx.sh: GETs random byte ranges of one file.
-- Arguments (after --): PATH SIZE [CHUNK], e.g. -- /media/big/file 2147483648 1048576
local path, size, chunk

function init(args)
  path = args[1]
  size = tonumber(args[2])
  chunk = tonumber(args[3] or 1048576)
  -- each wrk thread has its own Lua state: seed each differently
  local addr = tonumber(tostring({}):match("0x(%x+)") or "0", 16) or 0
  math.randomseed(os.time() + addr % 1000003)
end

function request()
  local first = math.floor(math.random() * (size - chunk + 1))
  return wrk.format("GET", path, { ["Range"] = "bytes=" .. first .. "-" .. (first + chunk - 1) })
end
