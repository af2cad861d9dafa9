"""Taking and resolving a case, one way each for whoever does it.

Taking (`take`): the staff desk's take (which then holds the case and brings its topic) and a
supervisor's "Take the case" where there is no staff desk (an assignment only) record it the
same way: the case is assigned, and the ladder stops or goes back to its own pace.

Resolving (`Resolver`): an agent or a supervisor at the staff desk (`/resolve`, the desk's
button) or an operator on the command line (`prima resolve`). It runs through the
conversation's `for_staff`, in the customer's turn order and in one transaction: the case is
resolved, nobody holds it any more, its ladder stops, and the conversation hears
`CaseResolved` (the customer is asked for feedback).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from prima import metrics
from prima.core.events import CaseResolved
from prima.core.ports import CaseLadder, StaffChange, StaffConversation
from prima.core.roster import Member, Role
from prima.storage.models import OPEN, Case, Customer
from prima.storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


class Outcome(Enum):
    RESOLVED = "resolved"
    CLOSED = "closed"  # not open (already resolved)
    HELD = "held"  # another agent holds it, and who asks is no supervisor


@dataclass(frozen=True, slots=True)
class Resolution:
    outcome: Outcome
    holder: str | None = None  # the agent holding the case, when HELD


def may_act(case: Case, member: Member) -> bool:
    """Whether `member` may act on a case someone may hold: its holder, or a supervisor."""
    return case.agent_user_id == member.user_id or member.role is Role.SUPERVISOR


async def take(
    uow: UnitOfWork, case: Case, actor: str, now: datetime, ladder: CaseLadder | None
) -> bool:
    """Assign the open case to `actor` (False: it already was). The ladder stops if the
    policy says so; otherwise it goes back to its own pace (a person has it: no early level
    1 for a customer who asked for one)."""
    stop = ladder is not None and ladder.stops_on_takeover
    records = uow.escalations
    taken = await records.take(case, actor, now)
    if taken and stop:
        await records.cancel_pending(case.id)
    if ladder is not None and not stop:
        deadlines = ladder.deadlines(case.category, case.opened_at)
        await records.schedule(case, deadlines, ladder.roles(), ladder.fingerprint)
    return taken


class Resolver:
    def __init__(self, conversations: StaffConversation) -> None:
        self.conversations = conversations

    async def resolve(
        self,
        reference: str,
        actor: str,
        how: str | None,
        *,
        member: Member | None = None,
        deliver: bool = True,
    ) -> Resolution:
        """Resolve the case as `actor`; `member` is the staff member asking (None: an
        operator, who may resolve any open case). With `deliver` False what the customer is
        sent is left queued for the bot's dispatcher (another process). Raises
        `UnknownCaseError` for a reference no case has."""

        async def resolve(uow: UnitOfWork, case: Case, _: Customer, now: datetime) -> StaffChange:
            if case.status != OPEN:
                return StaffChange(result=Resolution(Outcome.CLOSED))
            if member is not None and case.agent_user_id is not None and not may_act(case, member):
                return StaffChange(result=Resolution(Outcome.HELD, case.agent_name))
            await uow.cases.resolve(reference, actor, how, now)
            await uow.escalations.cancel_pending(case.id)  # its ladder stops too
            logger.info("case %s resolved", reference)
            metrics.CASES_RESOLVED.inc()
            return StaffChange(CaseResolved(reference), result=Resolution(Outcome.RESOLVED))

        resolution: Resolution = await self.conversations.for_staff(
            reference, resolve, deliver=deliver
        )
        return resolution
