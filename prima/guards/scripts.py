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

# LOCK_AND_COUNT for turns in update order. KEYS[3]: the chat's turn queue. ARGV[4]: the update
# id, ARGV[5]: queue seconds, ARGV[6]: forget older updates (1/0). Registers the update in the
# queue first; -2 while an earlier update of the chat is in it.
ORDERED_LOCK_AND_COUNT = (
    """
redis.call('zadd', KEYS[3], ARGV[4], ARGV[4])
redis.call('expire', KEYS[3], ARGV[5])
if ARGV[6] == '1' then
  redis.call('zremrangebyscore', KEYS[3], '-inf', '(' .. ARGV[4])
end
local first = redis.call('zrange', KEYS[3], 0, 0)
if first[1] and tonumber(first[1]) < tonumber(ARGV[4]) then
  return -2
end
"""
    + LOCK_AND_COUNT
)

# KEYS: the chat's lock, the update's mark, and for ordered turns the chat's turn queue.
# ARGV: token, done|failed|none, mark seconds, and for ordered turns the update id. A done
# turn leaves the queue; a failed one keeps its place (the chat's later updates wait for its
# retry). 1 if this turn still held the lock, 0 if it had expired.
UNLOCK_AND_MARK = """
local held = 0
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  held = 1
end
if ARGV[2] == 'done' then
  redis.call('set', KEYS[2], '2', 'EX', ARGV[3])
  if KEYS[3] then
    redis.call('zrem', KEYS[3], ARGV[4])
  end
elseif ARGV[2] == 'failed' then
  redis.call('del', KEYS[2])
end
return held
"""
