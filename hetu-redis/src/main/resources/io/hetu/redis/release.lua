-- Ends a read hold (see RedisBackend.readConsistent) if it is still the caller's.
-- KEYS: 1 the read hold. ARGV: 1 the caller's token. Returns {1} when it ended the hold, else {0}.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return {redis.call('DEL', KEYS[1])}
end
return {0}
