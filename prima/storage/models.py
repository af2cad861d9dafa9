"""The database schema as typed SQLAlchemy models. Changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Stamp(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC; SQLite (which keeps no zone) reads back UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Status values, shared by every query that reads or writes them.
OPEN, RESOLVED = "open", "resolved"  # cases
PENDING, FIRED, CANCELLED = "pending", "fired", "cancelled"  # escalations, notifications


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: Stamp}


class Customer(Base):
    """A Telegram user who wrote to the bot. Only what serving them needs is kept."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[datetime | None]
    # The case whose staff-desk topic mirrors this conversation (no FK: cases point here).
    desk_case_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Conversation(Base):
    """Where a customer's conversation stands; written after every turn."""

    __tablename__ = "conversations"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]
    turns: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class Case(Base):
    """A complaint or request the organisation has to act on."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    needs: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), index=True)
    human_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(Text)
    # The highest escalation level reached (0: none yet), and the person who took the case.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None]
    ladder: Mapped[str | None] = mapped_column(String(16))  # fingerprint its deadlines follow
    # The staff desk: the case's forum topic, and the agent talking to the customer, if any.
    topic_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    agent_user_id: Mapped[int | None] = mapped_column(BigInteger)
    agent_name: Mapped[str | None] = mapped_column(String(64))
    agent_alias: Mapped[str | None] = mapped_column(String(32))
    agent_active_at: Mapped[datetime | None]  # taken, or the agent's last message
    quiet_flagged_at: Mapped[datetime | None]


class CaseEvent(Base):
    """The case timeline: append-only, one row per change, with who and when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]]


class Attachment(Base):
    """A photo, document, voice note, location... sent for a case (ids and metadata only)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(256))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    caption: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Feedback(Base):
    """The customer's satisfaction with a resolved case (kurang puas / puas / sangat puas)."""

    __tablename__ = "feedback"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    rating: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Message(Base):
    """The transcript, both directions. Outgoing rows double as the outbox until sent."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_outbox", "direction", "delivery", "id"),
        Index("ix_messages_source", "source_chat_id", "source_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[dict[str, Any] | None]
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    # Outgoing delivery: pending -> sent | failed; a claim lease stops double sending.
    delivery: Mapped[str | None] = mapped_column(String(8))
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(256))
    sent_at: Mapped[datetime | None]
    # An agent's message copied to the customer (delivery "held" while coaching asks first).
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_to_message_id: Mapped[int | None] = mapped_column(BigInteger)


class ProcessedUpdate(Base):
    """Telegram update ids already handled: an update delivered twice is handled once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime]


class Escalation(Base):
    """One level of a case's ladder: when it is due, and whether it has fired.

    Computed when the case opens and recomputed when the policy changes; the escalator claims
    due rows with `FOR UPDATE SKIP LOCKED`, so each fires once across instances.
    """

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("case_id", "level", name="uq_escalations_case_level"),
        # The due-scan: only pending rows, in notification order.
        Index(
            "ix_escalations_due",
            "notify_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    level: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    notify_at: Mapped[datetime]
    policy: Mapped[str] = mapped_column(String(16))  # the ladder's fingerprint when computed
    status: Mapped[str] = mapped_column(String(12))  # pending | fired | cancelled
    fired_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))


class DeskPost(Base):
    """A message for the staff group (a case card, a mirrored message, a notice): an outbox.

    `source_*` is the customer's message it mirrors, so edits and replies find their
    counterpart after a restart; `telegram_message_id` is the message in the group.
    """

    __tablename__ = "desk_posts"
    __table_args__ = (
        Index(
            "ix_desk_posts_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_desk_posts_source", "source_chat_id", "source_message_id"),
        Index("ix_desk_posts_posted", "telegram_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # card | text | copy
    in_topic: Mapped[bool] = mapped_column(Boolean, default=True)  # else the General topic
    text: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[dict[str, Any] | None]
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_to_post_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(256))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Notification(Base):
    """One escalation message to one person on one channel; retried with backoff."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(
            "ix_notifications_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # telegram | email
    address: Mapped[str] = mapped_column(String(256))
    recipient: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(8))  # pending | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(256))
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # What is sent, rendered when the escalation fired (so a retry sends the same words).
    subject: Mapped[str | None] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[dict[str, Any] | None]
