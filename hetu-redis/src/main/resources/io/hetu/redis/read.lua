-- HeTu's reads, each stamped with the commit seq it saw (so several reads can be shown to have
-- seen one state). KEYS: 1 the commit seq counter.
-- ARGV[1] is the kind of read:
--   'row', row key                      -> {seq, version ('0': absent), row bytes}
--   'lookup', unique hash, encoded key  -> {seq, 8-byte id ('': none)}
--   'range', sorted set, row key prefix, descending ('1'|'0'), min, max, count
--                                       -> {seq, then per row: member, version, row bytes}

local seq = redis.call('GET', KEYS[1]) or '0'
local kind = ARGV[1]
if kind == 'row' then
  local row = redis.call('HMGET', ARGV[2], 'v', 'd')
  return {seq, row[1] or '0', row[2] or ''}
elseif kind == 'lookup' then
  return {seq, redis.call('HGET', ARGV[2], ARGV[3]) or ''}
end
local members
if ARGV[4] == '1' then
  members = redis.call('ZREVRANGEBYLEX', ARGV[2], ARGV[6], ARGV[5], 'LIMIT', 0, tonumber(ARGV[7]))
else
  members = redis.call('ZRANGEBYLEX', ARGV[2], ARGV[5], ARGV[6], 'LIMIT', 0, tonumber(ARGV[7]))
end
local result = {seq}
for _, member in ipairs(members) do
  local row = redis.call('HMGET', ARGV[3] .. string.sub(member, -8), 'v', 'd')
  result[#result + 1] = member
  result[#result + 1] = row[1] or '0'
  result[#result + 1] = row[2] or ''
end
return result
