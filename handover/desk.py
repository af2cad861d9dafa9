"""The staff desk: who may act on which case, and where; agents' messages; quiet takeovers.

An update from the staff group (a topic's message, a command, a desk button) or a staff
member's private chat is routed to the case it is about, and only configured people act,
only in the staff group (a take from an alert's button also in a private chat). The actions
themselves are `handover/agents.py`; what agents write to customers, `handover/relay.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from handover.agents import Agents
from handover.coaching import Coach
from handover.mirror import Mirror
from handover.relay import Relay
from prima.config import StaffSection
from prima.core.case import UnknownCaseError
from prima.core.ports import CaseLadder, DeskTransport, StaffConversation
from prima.core.reply import Rendered
from prima.core.roster import Member, Roster
from prima.core.staff import StaffInput, StaffVerb
from prima.storage.models import OPEN, Case
from prima.storage.unit_of_work import Transactions

logger = logging.getLogger(__name__)


class StaffDesk:
    def __init__(
        self,
        *,
        transactions: Transactions,
        conversations: StaffConversation,
        roster: Roster,
        section: StaffSection,
        mirror: Mirror,
        coach: Coach,
        transport: DeskTransport,
        policy: CaseLadder | None,
        transcript: Callable[[str], Awaitable[Rendered]],
        clock: Callable[[], datetime],
    ) -> None:
        self.transactions = transactions
        self.conversations = conversations
        self.roster = roster
        self.section = section
        self.mirror = mirror
        self.transport = transport
        self.transcript = transcript  # renders a case's transcript (the supervisors' desk)
        self.clock = clock
        self.agents = Agents(
            transactions=transactions,
            conversations=conversations,
            roster=roster,
            mirror=mirror,
            policy=policy,
            clock=clock,
        )
        self.relay = Relay(
            transactions=transactions,
            conversations=conversations,
            section=section,
            mirror=mirror,
            coach=coach,
            transport=transport,
            clock=clock,
        )

    # --- who may act, and where ------------------------------------------------------------

    async def handle(self, staff: StaffInput) -> list[Rendered]:
        """Rendereds to post where the input came from (empty: nothing to say).

        An update delivered twice (another instance, a redelivery after a crash) is handled
        once; an agent's message is relayed once even then (its update id is recorded with
        the relay).
        """
        guards, update_id = self.conversations.guards, staff.update_id
        if update_id is not None and not await guards.begin_update(update_id):
            return []
        done = False
        try:
            answers = await self._handle(staff)
            done = True
            return answers
        finally:
            if update_id is not None:
                await guards.end_update(update_id, done=done)

    async def _handle(self, staff: StaffInput) -> list[Rendered]:
        in_group = staff.chat_id == self.roster.chat_id
        member = self.roster.member(staff.user_id)
        wants = staff.action is not None or staff.kind == "command"
        if not in_group:
            if staff.chat_id != staff.user_id or staff.action is None:
                return []  # other groups are ignored; customers' own chats are not ours
            if member is None:
                self._refused(staff)
                return [self._say("desk_only")]
            if staff.action.verb is StaffVerb.TAKE and staff.action.reference:
                return [await self.agents.take(staff.action.reference, member, elsewhere=True)]
            return [self._say("desk_use_topic")]
        if member is None:
            if wants:
                self._refused(staff)
                return [self._say("desk_only")]
            return []
        case = await self._case_for(staff)
        if case is None:
            return [self._say("desk_no_case")] if wants else []
        if staff.action is None:
            if staff.kind == "command":
                return [self._say("desk_usage")]
            if staff.kind == "button":  # a button this version cannot read: never relayed
                logger.info("staff desk: a desk button it cannot read was pressed; ignored")
                return []
            return await self._message(staff, member, case)
        action, agents = staff.action, self.agents
        match action.verb:
            case StaffVerb.TAKE:
                return [await agents.take(case.reference, member)]
            case StaffVerb.RELEASE:
                return [await agents.release(case.reference, member)]
            case StaffVerb.RESOLVE:
                return [await agents.resolve(case.reference, member, action.argument or None)]
            case StaffVerb.TRANSFER:
                return [await agents.transfer(case.reference, member, action.argument)]
            case StaffVerb.NOTE:
                return [await agents.note(case.reference, member, action.argument)]
            case StaffVerb.TRANSCRIPT:
                return [await self.transcript(case.reference)]
            case StaffVerb.SEND:
                return await self.relay.send_anyway(case.reference, member, action.argument)
        return []

    def _refused(self, staff: StaffInput) -> None:
        logger.warning(
            "staff desk: action refused for user %s in chat %s", staff.user_id, staff.chat_id
        )

    async def _case_for(self, staff: StaffInput) -> Case | None:
        async with self.transactions.reads() as uow:
            if staff.action is not None and staff.action.reference:
                try:
                    return await uow.cases.get(staff.action.reference)
                except UnknownCaseError:
                    return None
            if staff.thread_id is None:
                return None
            return await uow.desk.case_in_topic(staff.thread_id)

    # --- what agents write -------------------------------------------------------------------

    async def _message(self, staff: StaffInput, member: Member, case: Case) -> list[Rendered]:
        """A message in a case's topic: to the customer if its writer holds the case."""
        if case.agent_user_id != member.user_id:
            if case.agent_user_id is None and case.status == OPEN and not staff.edited:
                return [self._say("desk_take_first")]
            return []  # colleagues talking in the topic: internal
        if case.status != OPEN:
            return [self._say("desk_closed", reference=case.reference)]
        if staff.edited:
            return await self.relay.edited(staff, member, case)
        return await self.relay.message(staff, member, case)

    # --- quiet takeovers -----------------------------------------------------------------------

    async def flag_quiet(self) -> int:
        """Flag, in their topics, takeovers whose agent has been quiet beyond `quiet_after`."""
        now = self.clock()
        async with self.transactions() as uow:
            desk = uow.desk
            quiet = await desk.quiet_takeovers(now - self.section.quiet_after)
            for case in quiet:
                assert case.agent_active_at is not None
                case.quiet_flagged_at = now
                self.mirror.notice(
                    desk,
                    case.id,
                    now,
                    "desk_quiet",
                    agent=case.agent_name,
                    agent_id=case.agent_user_id,
                    quiet_for=_minutes(now - case.agent_active_at),
                )
                uow.timeline.add(case.id, now, "desk", "quiet_flagged", {})
        if quiet:
            self.mirror.kick()
        return len(quiet)

    def _say(self, template: str, **context: Any) -> Rendered:
        return self.mirror.render(template, **context)


def _minutes(amount: timedelta) -> int:
    return max(1, int(amount.total_seconds() // 60))
