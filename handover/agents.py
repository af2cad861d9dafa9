"""What agents do to a case at the staff desk: take it, hand it back, hand it on, resolve it,
note on it.

Each change runs through the conversation's `for_staff` (a port), in the customer's turn
order and in one transaction; what the customer is told comes from the conversation core
(`AgentChanged`, `CaseResolved`). Who may do it, and where, the desk (`handover/desk.py`)
has decided already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from handover.casework import Outcome, Resolver, may_act
from handover.casework import take as assign
from handover.mirror import Mirror
from prima import metrics
from prima.core.case import UnknownCaseError
from prima.core.events import AgentChanged
from prima.core.ports import CaseLadder, StaffChange, StaffConversation, StaffStep
from prima.core.reply import Button, Rendered
from prima.core.roster import Member, Role, Roster
from prima.core.staff import StaffVerb, desk_button
from prima.storage.models import OPEN, Case, Customer
from prima.storage.unit_of_work import Transactions, UnitOfWork

logger = logging.getLogger(__name__)


class Agents:
    """The agents' actions on a case; each answers with what to post back at the desk."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        conversations: StaffConversation,
        roster: Roster,
        mirror: Mirror,
        policy: CaseLadder | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.transactions = transactions
        self.conversations = conversations
        self.roster = roster
        self.mirror = mirror
        self.policy = policy
        self.clock = clock
        self.resolver = Resolver(conversations)

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
            case = await uow.cases.get(reference)
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

    def _say(self, template: str, **context: Any) -> Rendered:
        return self.mirror.render(template, **context)
