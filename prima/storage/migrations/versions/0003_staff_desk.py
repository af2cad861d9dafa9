"""The staff desk: each case's forum topic and agent, the desk outbox (mirrored messages and
their counterparts in the group), agent messages copied to customers, the mirrored case.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:12:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("in_topic", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("reply_to_post_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _STAMP, nullable=False),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("sent_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_desk_posts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_posts")),
    )
    with op.batch_alter_table("desk_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_posts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_desk_posts_due",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index(
            "ix_desk_posts_source", ["source_chat_id", "source_message_id"], unique=False
        )
        batch_op.create_index("ix_desk_posts_posted", ["telegram_message_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("agent_user_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("agent_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("agent_alias", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("agent_active_at", _STAMP, nullable=True))
        batch_op.add_column(sa.Column("quiet_flagged_at", _STAMP, nullable=True))
        batch_op.create_index("ix_cases_topic_id", ["topic_id"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("desk_case_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("source_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reply_to_message_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(
            "ix_messages_source", ["source_chat_id", "source_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_source")
        batch_op.drop_column("reply_to_message_id")
        batch_op.drop_column("source_message_id")
        batch_op.drop_column("source_chat_id")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("desk_case_id")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_topic_id")
        for column in (
            "quiet_flagged_at",
            "agent_active_at",
            "agent_alias",
            "agent_name",
            "agent_user_id",
            "topic_id",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("desk_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_posts_posted")
        batch_op.drop_index("ix_desk_posts_source")
        batch_op.drop_index("ix_desk_posts_due")
        batch_op.drop_index(batch_op.f("ix_desk_posts_case_id"))
    op.drop_table("desk_posts")
