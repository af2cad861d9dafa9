"""Per-chat ordering, duplicate updates and flood limits: in memory, or shared through Redis.

Without Redis the guarantees hold within one process (`memory.MemoryGuards`); with Redis,
across every instance sharing it (`shared.RedisGuards`, its Lua scripts in `scripts`). What
both build on is in `ordering`: how long an update's mark lasts, the turn put together from a
guard's parts, and a chat's updates taking turns in update order. Both implement the `Guards`
port of `prima.core.ports`. The database's `processed_updates` table stays the final word on
duplicates.
"""

from prima.guards.memory import MemoryGuards
from prima.guards.shared import RedisGuards

__all__ = ["MemoryGuards", "RedisGuards"]
