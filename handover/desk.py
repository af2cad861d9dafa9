"""The staff desk: agents take cases in their topics, talk to customers, resolve, transfer.

Every action that touches a conversation runs through its `for_staff` (a port), in the
customer's turn order and in one transaction; what the customer is told comes from the
conversation core (`AgentChanged`, `CaseResolved`). Only configured people act, and only in
the staff group; the alert buttons of the escalation ladder reach `take` too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from handover.casework import Outcome, Resolver, may_act
from handover.casework import take as assign
from handover.coaching import Coach
from handover.mirror import Mirror
from handover.relay import Relay
from prima import metrics
from prima.config import StaffSection
from prima.core.events import AgentChanged
from prima.core.ports import CaseLadder, DeskTransport, StaffChange, StaffConversation, StaffStep
from prima.core.reply import Button, Rendered
from prima.core.roster import Member, Role, Roster
from prima.core.staff import StaffInput, StaffVerb, desk_button
from prima.storage.models import OPEN, Case, Customer
from prima.storage.repository import UnknownCaseError
from prima.storage.unit_of_work import Transactions, UnitOfWork

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
        self.coach = coach
        self.transport = transport
        self.policy = policy
        self.transcript = transcript  # renders a case's transcript (the supervisors' desk)
        self.clock = clock
        self.resolver = Resolver(conversations)
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
                return [await self.take(staff.action.reference, member, elsewhere=True)]
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
        action = staff.action
        match action.verb:
            case StaffVerb.TAKE:
                return [await self.take(case.reference, member)]
            case StaffVerb.RELEASE:
                return [await self.release(case.reference, member)]
            case StaffVerb.RESOLVE:
                return [await self.resolve(case.reference, member, action.argument or None)]
            case StaffVerb.TRANSFER:
                return [await self.transfer(case.reference, member, action.argument)]
            case StaffVerb.NOTE:
                return [await self.note(case.reference, member, action.argument)]
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
                    return await uow.records.case(staff.action.reference)
                except UnknownCaseError:
                    return None
            if staff.thread_id is None:
                return None
            return await uow.desk.case_in_topic(staff.thread_id)

    # --- taking, handing back, handing on ----------------------------------------------------

    async def take(self, reference: str, member: Member, *, elsewhere: bool = False) -> Rendered:
        async def take(
            uow: UnitOfWork, case: Case, customer: Customer, now: datetime
        ) -> StaffChange:
            if case.status != OPEN:
                return StaffChange(result=self._say("desk_closed", reference=reference))
            if case.agent_user_id == member.user_id:
                return StaffChange(result=self._say("desk_yours", reference=reference))
            if case.agent_user_id is not None and member.role is not Role.SUPERVISOR:
                return StaffChange(
                    result=self._say("desk_held_by", reference=reference, agent=case.agent_name)
                )
            await assign(uow, case, member.name, now, self.policy)
            self._hold(case, member, now)
            if customer.desk_case_id != case.id:
                await self.mirror.bring(uow, case, customer, now, human=False)
            logger.info("case %s taken at the staff desk", reference)
            metrics.HANDOFFS.labels("taken").inc()
            answer = self._say(
                "desk_taken",
                reference=reference,
                agent=member.name,
                alias=member.alias,
                customer=customer.first_name,
                elsewhere=elsewhere,
            )
            return StaffChange(AgentChanged(reference, member.alias), result=answer)

        return await self._for_staff(reference, take)

    async def release(self, reference: str, member: Member) -> Rendered:
        async def release(uow: UnitOfWork, case: Case, _: Customer, now: datetime) -> StaffChange:
            if case.agent_user_id is None:
                return StaffChange(result=self._say("desk_not_taken", reference=reference))
            if not may_act(case, member):
                return StaffChange(
                    result=self._say("desk_held_by", reference=reference, agent=case.agent_name)
                )
            uow.timeline.add(case.id, now, member.name, "released", {})
            metrics.HANDOFFS.labels("released").inc()
            self._hold(case, None, now)
            return StaffChange(AgentChanged(reference, None), result=self._say("desk_released"))

        return await self._for_staff(reference, release)

    async def transfer(self, reference: str, member: Member, wanted: str) -> Rendered:
        target = self.roster.find(wanted) if wanted else None
        if target is None:
            choices = tuple(
                (
                    Button(
                        "desk_transfer_to",
                        desk_button(StaffVerb.TRANSFER, reference, str(m.user_id)),
                        {"agent": m.name},
                    ),
                )
                for m in self.roster.others(member.user_id)
            )
            return self._say("desk_transfer_choose", wanted=wanted, buttons=choices)

        async def transfer(uow: UnitOfWork, case: Case, _: Customer, now: datetime) -> StaffChange:
            if case.status != OPEN:
                return StaffChange(result=self._say("desk_closed", reference=reference))
            if case.agent_user_id is not None and not may_act(case, member):
                return StaffChange(
                    result=self._say("desk_held_by", reference=reference, agent=case.agent_name)
                )
            if case.agent_user_id == target.user_id:
                return StaffChange(result=self._say("desk_yours", reference=reference))
            previous = case.agent_name
            uow.timeline.add(
                case.id,
                now,
                member.name,
                "transferred",
                {"from": previous, "to": target.name},
            )
            case.assigned_to, case.assigned_at = target.name, now
            metrics.HANDOFFS.labels("transferred").inc()
            self._hold(case, target, now)
            answer = self._say("desk_transferred", agent=target.name, agent_id=target.user_id)
            return StaffChange(AgentChanged(reference, target.alias), result=answer)

        return await self._for_staff(reference, transfer)

    async def resolve(self, reference: str, member: Member, how: str | None) -> Rendered:
        try:
            done = await self.resolver.resolve(reference, member.name, how, member=member)
        except UnknownCaseError:
            return self._say("desk_no_case")
        if done.outcome is Outcome.CLOSED:
            return self._say("desk_closed", reference=reference)
        if done.outcome is Outcome.HELD:
            return self._say("desk_held_by", reference=reference, agent=done.holder)
        return self._say("desk_resolved", reference=reference, agent=member.name, how=how)

    async def note(self, reference: str, member: Member, text: str) -> Rendered:
        if not text.strip():
            return self._say("desk_usage")
        async with self.transactions() as uow:
            case = await uow.records.case(reference)
            uow.timeline.add(case.id, self.clock(), member.name, "note", {"text": text})
        return self._say("desk_noted")

    @staticmethod
    def _hold(case: Case, member: Member | None, now: datetime) -> None:
        case.agent_user_id = member.user_id if member else None
        case.agent_name = member.name if member else None
        case.agent_alias = member.alias if member else None
        case.agent_active_at = now if member else None
        case.quiet_flagged_at = None
        case.updated_at = now

    async def _for_staff(self, reference: str, step: StaffStep) -> Rendered:
        try:
            answer: Rendered = await self.conversations.for_staff(reference, step)
        except UnknownCaseError:
            return self._say("desk_no_case")
        return answer

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
