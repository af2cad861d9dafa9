"""A serving process's parts, wired once from the composition root's factories
(`prima/bootstrap.py`): the conversation, the desks, and the jobs that run beside the updates
(the outbox dispatcher, the escalator, the staff desk's poster). Polling, the webhook and the
console chat all serve customers through `assembled`; only the messaging platform differs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from actions.turns import Conversations
from handover.front import Desks
from prima.bootstrap import Runtime
from prima.core.ports import Classifier, Database, DeskTransport, Guards, Sender

Job = Callable[[asyncio.Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Assembly:
    database: Database
    guards: Guards
    classifier: Classifier
    service: Conversations
    desks: Desks
    jobs: tuple[Job, ...]

    async def run(self, stop: asyncio.Event) -> None:
        """Run the jobs until `stop` is set (each finishes its work in hand)."""
        await asyncio.gather(*(job(stop) for job in self.jobs))


@asynccontextmanager
async def assembled(
    runtime: Runtime,
    sender: Sender,
    *,
    desk: Callable[[int], DeskTransport] | None = None,
    alerts: Sender | None = None,
    ordered: bool = False,
    escalator: bool = True,
    flood_limit: bool = True,
) -> AsyncIterator[Assembly]:
    """The parts on open connections (database, guards, the NLU), closed on exit.

    `sender` sends to customers; `desk` makes the staff group's transport (a staff desk only
    with both it and `staff.chat_id`); `alerts` sends the ladder's messages to supervisors
    (None: recorded as skipped). `ordered` takes turns in update-id order across instances
    (webhook mode). Without `escalator`, a separate `prima escalator` runs the ladder.
    """
    async with (
        runtime.database() as sessions,
        runtime.guards(flood_limit=flood_limit) as guards,
        runtime.classifier() as nlu,
    ):
        roster = runtime.roster()
        # Turns queue desk posts; this wakes the poster once they are committed.
        desk_queued = asyncio.Event()
        with_desk = desk is not None and roster.chat_id is not None
        mirror = runtime.mirror(kick=desk_queued.set) if with_desk else None
        service = runtime.conversations(sessions, nlu, guards, sender, mirror, ordered=ordered)
        supervisors = runtime.desk(sessions)
        jobs: list[Job] = [service.run_dispatcher]
        staff = None
        if desk is not None and mirror is not None and roster.chat_id is not None:
            transport = desk(roster.chat_id)
            poster = runtime.poster(sessions, transport, mirror, wake=desk_queued)
            staff = runtime.staff_desk(sessions, service, mirror, transport, supervisors)
            every, quiet = runtime.config.staff.check_every_seconds, staff.flag_quiet
            jobs.append(lambda stop: poster.run(stop, every, quiet))
        if escalator and runtime.config.escalation.enabled:
            jobs.append(runtime.escalator(sessions, alerts, mirror).run)
        yield Assembly(
            runtime.transactions(sessions),
            guards,
            nlu,
            service,
            runtime.desks(supervisors, staff),
            tuple(jobs),
        )
