"""What agents write to customers, and customers' edits: coached, copied, mapped.

An agent's message is checked for damaging phrases first (coaching); a clean one is copied to
the customer in the customer's turn order, and the pair of message ids is stored so that
replies and edits find their counterpart after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handover.coaching import Advice, Coach
from handover.mirror import Mirror
from prima.config import StaffSection
from prima.core.ports import SEND_LEASE, DeskTransport, StaffChange, StaffConversation
from prima.core.reply import Button, Rendered
from prima.core.roster import Member
from prima.core.staff import StaffInput, StaffVerb, desk_button
from prima.storage.desk_records import HELD
from prima.storage.models import Case, Customer, Message
from prima.storage.outbox import outgoing
from prima.storage.unit_of_work import Transactions, UnitOfWork


class Relay:
    def __init__(
        self,
        *,
        transactions: Transactions,
        conversations: StaffConversation,
        section: StaffSection,
        mirror: Mirror,
        coach: Coach,
        transport: DeskTransport,
        clock: Callable[[], datetime],
    ) -> None:
        self.transactions = transactions
        self.conversations = conversations
        self.section = section
        self.mirror = mirror
        self.coach = coach
        self.transport = transport
        self.clock = clock

    async def message(self, staff: StaffInput, member: Member, case: Case) -> list[Rendered]:
        """The case holder's message: copied to the customer, or held with advice."""
        advice = self.coach.advise(staff.text or "", self.mirror.language)
        assert staff.message_id is not None
        source = (staff.chat_id, staff.message_id)
        held = bool(advice)

        async def relay(
            uow: UnitOfWork, case: Case, customer: Customer, now: datetime
        ) -> StaffChange:
            if staff.update_id is not None and not await uow.conversations.claim_update(
                staff.update_id, now
            ):
                return StaffChange(result=None)  # relayed already
            reply_to = None
            if staff.reply_to is not None:
                mirrored = await uow.desk.mirrored_source(staff.reply_to)
                reply_to = mirrored[1] if mirrored and mirrored[0] == customer.chat_id else None
            message = uow.outbox.queue_copy(
                customer,
                source,
                text=staff.text,
                reply_to=reply_to,
                case_id=case.id,
                now=now,
                lease=SEND_LEASE,
                held=held,
            )
            await uow.session.flush()
            if held:
                phrases = [a.phrase for a in advice]
                uow.timeline.add(case.id, now, member.name, "coached", {"phrases": phrases})
                return StaffChange(result=message.id)
            case.agent_active_at, case.quiet_flagged_at = now, None
            return StaffChange(outgoing=[outgoing(message, customer.chat_id)], result=message.id)

        message_id = await self.conversations.for_staff(case.reference, relay)
        if not held or message_id is None:
            return []
        return [self._coaching(case.reference, advice, message_id)]

    def _coaching(self, reference: str, advice: list[Advice], message_id: int) -> Rendered:
        warn = self.section.coaching == "warn"
        buttons = (
            (
                (
                    Button(
                        "desk_send_anyway", desk_button(StaffVerb.SEND, reference, str(message_id))
                    ),
                ),
            )
            if warn
            else ()
        )
        return self.mirror.render(
            "desk_coaching",
            advice=[{"phrase": a.phrase, "better": a.better} for a in advice],
            can_send=warn,
            buttons=buttons,
        )

    async def send_anyway(self, reference: str, member: Member, message_id: str) -> list[Rendered]:
        """ "Send as written" (warn mode only, by the agent who wrote it)."""
        if self.section.coaching != "warn":
            return [self.mirror.render("desk_coaching_blocks")]
        if not message_id.isdigit():
            return []
        return await self._release(reference, member, int(message_id), anyway=True)

    async def edited(self, staff: StaffInput, member: Member, case: Case) -> list[Rendered]:
        """An agent edited a message: a held one goes out once it reads well; a delivered one
        is edited in the customer's chat too."""
        assert staff.message_id is not None
        text = staff.text or ""
        advice = self.coach.advise(text, self.mirror.language)
        async with self.transactions.reads() as uow:
            relayed = await uow.desk.relayed(staff.chat_id, staff.message_id)
        if relayed is None:
            return []
        if advice:
            return [self._coaching(case.reference, advice, relayed.id)]
        if relayed.delivery == HELD:
            return await self._release(case.reference, member, relayed.id, anyway=False)
        if relayed.telegram_message_id is None:
            return []  # not delivered yet: the copy is made from the edited message
        async with self.transactions.reads() as uow:
            customer = await uow.customers.by_id(relayed.customer_id)
        await self.transport.edit_customer_message(
            customer.chat_id, relayed.telegram_message_id, text, caption=staff.kind != "text"
        )
        async with self.transactions() as uow:
            uow.timeline.add(case.id, self.clock(), member.name, "agent_edited", {})
        return []

    async def _release(
        self, reference: str, member: Member, message_id: int, *, anyway: bool
    ) -> list[Rendered]:
        """Send a held message of the case holder's."""

        async def send(
            uow: UnitOfWork, case: Case, customer: Customer, now: datetime
        ) -> StaffChange:
            message = await uow.session.get(Message, message_id)
            if (
                case.agent_user_id != member.user_id
                or message is None
                or message.case_id != case.id
                or message.delivery != HELD
            ):
                return StaffChange(result=False)
            message.delivery, message.claimed_until = "pending", now + SEND_LEASE
            if anyway:
                uow.timeline.add(case.id, now, member.name, "sent_anyway", {})
            case.agent_active_at, case.quiet_flagged_at = now, None
            return StaffChange(outgoing=[outgoing(message, customer.chat_id)], result=True)

        sent = await self.conversations.for_staff(reference, send)
        return [self.mirror.render("desk_sent")] if sent else []

    async def customer_edited(self, user_id: int, chat_id: int, message_id: int, text: str) -> None:
        """A customer edited a message the desk mirrored: note it under the mirrored copy."""
        async with self.transactions() as uow:
            customer = await uow.customers.for_user(user_id)
            if customer is None or customer.desk_case_id is None:
                return
            desk = uow.desk
            mirrored = await desk.post_mirroring(chat_id, message_id)
            now = self.clock()
            await uow.conversations.record_inbound(
                customer.id, "edit", text, update_id=None, message_id=message_id, now=now
            )
            edited = self.mirror.render(
                "desk_customer_edited", customer=customer.first_name, text=text
            ).text
            desk.post(
                customer.desk_case_id,
                "text",
                now,
                text=edited,
                reply_to_post=mirrored.id if mirrored else None,
            )
        self.mirror.kick()
