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

# KEYS: the chat's turn queue, its lock, its flood counter. ARGV: update id, token, lock ms,
# counter seconds, queue seconds, forget older (1/0).
# Registers the update in the chat's queue; then the message count once the lock is taken,
# -1 while another turn holds it, -2 while an earlier update of the chat is in the queue.
ORDERED_LOCK_AND_COUNT = """
redis.call('zadd', KEYS[1], ARGV[1], ARGV[1])
redis.call('expire', KEYS[1], ARGV[5])
if ARGV[6] == '1' then
  redis.call('zremrangebyscore', KEYS[1], '-inf', '(' .. ARGV[1])
end
local first = redis.call('zrange', KEYS[1], 0, 0)
if first[1] and tonumber(first[1]) < tonumber(ARGV[1]) then
  return -2
end
if redis.call('set', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  local count = redis.call('incr', KEYS[3])
  redis.call('expire', KEYS[3], ARGV[4])
  return count
end
return -1
"""

# KEYS: the chat's lock, the update's mark, the chat's turn queue. ARGV: token, done|failed,
# mark seconds, update id. A done turn leaves the queue; a failed one keeps its place (the
# chat's later updates wait for its retry). 1 if this turn still held the lock, else 0.
ORDERED_UNLOCK_AND_MARK = """
local held = 0
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  held = 1
end
if ARGV[2] == 'done' then
  redis.call('set', KEYS[2], '2', 'EX', ARGV[3])
  redis.call('zrem', KEYS[3], ARGV[4])
else
  redis.call('del', KEYS[2])
end
return held
"""
