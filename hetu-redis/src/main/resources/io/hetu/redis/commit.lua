-- HeTu's optimistic commit: validates every read of a transaction and, in mode 'commit', applies
-- all its writes, takes the next commit seq and appends the change set to the change stream. Redis
-- runs a script atomically, so no other commit interleaves; nothing is written before every check
-- has passed, so a refused commit leaves no trace.
--
-- KEYS: 1 the commit seq counter, 2 the change stream, 3 the read hold.
-- ARGV, read in order (see RedisBackend.commitArguments):
--   mode ('commit' | 'validate'), stream length, origin tag, the caller's hold token ('' when it
--   holds none: commits wait while another caller holds the read hold)
--   point reads: count, then per read: row key, version read ('0': absent)
--   unique lookups: count, then per lookup: hash key, encoded key, id found ('': none)
--   scans: count, then per scan: sorted set, row key prefix, descending ('1'|'0'), min, max,
--          complete ('1' when the scan reached the end of its range), member count n,
--          then n times: member, version
--   writes: count, then per write: kind ('I'|'U'|'D'), table name, row key, 8-byte id,
--          id sorted set, row bytes, index count m, then m times: sorted set, unique hash (''
--          when not unique), new encoded key ('' for a delete)
-- A change in the stream entry's field 'c' is: kind, name length (1 byte), table name, 8-byte id,
-- then the row before and the row after, each as a 4-byte big-endian length and the bytes.
-- Returns {'ok', seq}, {'held'} while a consistent read holds commits off,
-- {'conflict', what, n} naming the n-th read or write that is stale ('point', 'lookup', 'scan',
-- 'exists', 'gone'), or {'unique', write number, index number, holder id}.

local at = 1
local function arg()
  local value = ARGV[at]
  at = at + 1
  return value
end

local mode = arg()
local streamLength = arg()
local origin = arg()
local holdToken = arg()
if mode == 'commit' then
  local hold = redis.call('GET', KEYS[3])
  if hold and hold ~= holdToken then
    return {'held'}
  end
end

for n = 1, tonumber(arg()) do
  local key, expected = arg(), arg()
  if (redis.call('HGET', key, 'v') or '0') ~= expected then
    return {'conflict', 'point', n}
  end
end

for n = 1, tonumber(arg()) do
  local hash, key, expected = arg(), arg(), arg()
  if (redis.call('HGET', hash, key) or '') ~= expected then
    return {'conflict', 'lookup', n}
  end
end

for n = 1, tonumber(arg()) do
  local set, prefix, descending, min, max, complete = arg(), arg(), arg(), arg(), arg(), arg()
  local count = tonumber(arg())
  local fetch = count
  if complete == '1' then
    fetch = count + 1
  end
  local members = {}
  if fetch > 0 then
    if descending == '1' then
      members = redis.call('ZREVRANGEBYLEX', set, max, min, 'LIMIT', 0, fetch)
    else
      members = redis.call('ZRANGEBYLEX', set, min, max, 'LIMIT', 0, fetch)
    end
  end
  local same = #members == count
  for j = 1, count do
    local member, version = arg(), arg()
    if same and (members[j] ~= member
        or (redis.call('HGET', prefix .. string.sub(member, -8), 'v') or '0') ~= version) then
      same = false
    end
  end
  if not same then
    return {'conflict', 'scan', n}
  end
end

local writes = {}
local byKey = {}
for n = 1, tonumber(arg()) do
  local write = {kind = arg(), name = arg(), key = arg(), id = arg(), all = arg(), data = arg(),
                 ordered = {}, unique = {}, keys = {}}
  for j = 1, tonumber(arg()) do
    write.ordered[j], write.unique[j], write.keys[j] = arg(), arg(), arg()
  end
  writes[n] = write
  byKey[write.key] = write
end

for n, write in ipairs(writes) do
  local exists = redis.call('EXISTS', write.key) == 1
  if write.kind == 'I' and exists then
    return {'conflict', 'exists', n}
  elseif write.kind ~= 'I' and not exists then
    return {'conflict', 'gone', n}
  end
end

-- Unique keys: taken twice within the commit, or held by a row the commit neither deletes nor moves.
local claimed = {}
for n, write in ipairs(writes) do
  if write.kind ~= 'D' then
    for j, hash in ipairs(write.unique) do
      if hash ~= '' then
        local key = write.keys[j]
        local taken = claimed[hash]
        if not taken then
          taken = {}
          claimed[hash] = taken
        end
        if taken[key] then
          return {'unique', n, j, taken[key]}
        end
        taken[key] = write.id
        local holder = redis.call('HGET', hash, key)
        if holder and holder ~= write.id then
          local other = byKey[string.sub(write.key, 1, -9) .. holder]
          if not (other and (other.kind == 'D' or other.keys[j] ~= key)) then
            return {'unique', n, j, holder}
          end
        end
      end
    end
  end
end

if mode ~= 'commit' then
  return {'ok', tonumber(redis.call('GET', KEYS[1]) or '0')}
end

local seq = redis.call('INCR', KEYS[1])
local version = tostring(seq)
local changes = {}

local function u32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function unindex(write, j, old)
  redis.call('ZREM', write.ordered[j], old .. write.id)
  local hash = write.unique[j]
  if hash ~= '' and redis.call('HGET', hash, old) == write.id then
    redis.call('HDEL', hash, old)
  end
end

for _, write in ipairs(writes) do
  local indexes = #write.ordered
  local before = ''
  local old = {}
  if write.kind ~= 'I' then
    local fields = {'d'}
    for j = 1, indexes do
      fields[j + 1] = 'k' .. (j - 1)
    end
    local got = redis.call('HMGET', write.key, unpack(fields))
    before = got[1]
    for j = 1, indexes do
      old[j] = got[j + 1]
    end
  end
  if write.kind == 'D' then
    redis.call('DEL', write.key)
    redis.call('ZREM', write.all, write.id)
    for j = 1, indexes do
      unindex(write, j, old[j])
    end
  else
    local row = {'v', version, 'd', write.data}
    for j = 1, indexes do
      row[#row + 1] = 'k' .. (j - 1)
      row[#row + 1] = write.keys[j]
    end
    redis.call('HSET', write.key, unpack(row))
    if write.kind == 'I' then
      redis.call('ZADD', write.all, 0, write.id)
    end
    for j = 1, indexes do
      local key = write.keys[j]
      if write.kind == 'I' or old[j] ~= key then
        if write.kind == 'U' then
          unindex(write, j, old[j])
        end
        redis.call('ZADD', write.ordered[j], 0, key .. write.id)
        if write.unique[j] ~= '' then
          redis.call('HSET', write.unique[j], key, write.id)
        end
      end
    end
  end
  local after = write.data
  if write.kind == 'D' then
    after = ''
  end
  changes[#changes + 1] = write.kind .. string.char(#write.name) .. write.name .. write.id .. u32(#before) .. before
    .. u32(#after) .. after
end

redis.call('XADD', KEYS[2], 'MAXLEN', '~', streamLength, version .. '-0', 's', version, 'o', origin,
  'c', table.concat(changes))
return {'ok', seq}
