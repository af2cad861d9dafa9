"""The Lua scripts that let `RedisGuards.turn` take two round trips instead of five."""

# KEYS: the chat's lock, its flood counter. ARGV: token, lock ms, counter seconds.
# The message count in the window once the lock is taken; -1 while another turn holds it.
LOCK_AND_COUNT = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local count = redis.call('incr', KEYS[2])
  redis.call('expire', KEYS[2], ARGV[3])
  return count
end
return -1
"""

# KEYS: the chat's lock, the update's mark. ARGV: token, done|failed|none, mark seconds.
# 1 if this turn still held the lock, 0 if it had expired.
UNLOCK_AND_MARK = """
local held = 0
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  held = 1
end
if ARGV[2] == 'done' then
  redis.call('set', KEYS[2], '2', 'EX', ARGV[3])
elseif ARGV[2] == 'failed' then
  redis.call('del', KEYS[2])
end
return held
"""
