"""Customer records: who writes to the bot (created on first contact), with the conversation
state a turn reads alongside, and whether messages still reach them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from prima.core.conversation import State
from prima.storage.conversations import ConversationRows
from prima.storage.models import Conversation, Customer

_CUSTOMER_AND_STATE = (
    select(Customer, Conversation)
    .outerjoin(Conversation, Conversation.customer_id == Customer.id)
    .where(Customer.telegram_user_id == bindparam("user_id"))
    .with_for_update(of=Customer)
)


class CustomerRecords:
    """Customer queries, on the unit of work's session."""

    def __init__(self, session: AsyncSession, conversations: ConversationRows) -> None:
        self.session = session
        self._conversations = conversations

    async def customer_and_state(
        self, user_id: int, chat_id: int, first_name: str | None, language: str, now: datetime
    ) -> tuple[Customer, State]:
        """The customer (created on first contact) and their conversation state, in one query.

        The customer's row is locked for the turn on PostgreSQL (`FOR UPDATE`); the
        conversation row read with it is kept for saving the state.
        """
        row = (await self.session.execute(_CUSTOMER_AND_STATE, {"user_id": user_id})).first()
        found = row[0] if row else None
        conversation = row[1] if row else None
        state = State.from_stored(conversation.step, conversation.data) if conversation else State()
        if found is None:
            found = Customer(
                telegram_user_id=user_id,
                chat_id=chat_id,
                first_name=first_name,
                language=language,
                reachable=True,
                created_at=now,
                updated_at=now,
            )
            self.session.add(found)
            await self.session.flush()
            self._conversations[found.id] = None
            return found, state
        self._conversations[found.id] = conversation
        if found.chat_id != chat_id or found.first_name != first_name or not found.reachable:
            found.chat_id, found.first_name = chat_id, first_name
            found.reachable, found.unreachable_since = True, None
            found.updated_at = now
        return found, state

    async def for_user(self, user_id: int) -> Customer | None:
        return await self.session.scalar(
            select(Customer).where(Customer.telegram_user_id == user_id)
        )

    async def by_id(self, customer_id: int) -> Customer:
        customer = await self.session.get(Customer, customer_id)
        if customer is None:
            raise LookupError(f"no customer {customer_id}")
        return customer

    async def mark_unreachable(self, customer_id: int, now: datetime) -> None:
        await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(reachable=False, unreachable_since=now, updated_at=now)
        )
