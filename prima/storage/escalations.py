"""Escalation records: each case's ladder, the due-scan, acknowledgements and takes, and the
supervisors' overview of open cases (what a fired level sends is in `notifications.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from prima.core.case import Deadline
from prima.storage.models import CANCELLED, FIRED, OPEN, PENDING, Case, Customer, Escalation
from prima.storage.timeline import Timeline


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed escalation, with what its notifications need to say."""

    escalation: Escalation
    case: Case
    customer: Customer


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One open case in a supervisor's overview."""

    reference: str
    category: str
    level: int
    opened_at: datetime
    assigned_to: str | None
    human_requested: bool
    unacknowledged: bool


class EscalationRecords:
    """Escalation queries on one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.timeline = Timeline(session)

    # --- the ladder of each case ---------------------------------------------------------

    def schedule_new(
        self,
        case: Case,
        deadlines: Sequence[Deadline],
        roles: dict[int, str],
        policy: str,
    ) -> None:
        """The ladder of a case opened in this transaction (nothing to read first)."""
        for deadline in deadlines:
            self._add_level(case, deadline, roles, policy)
        case.ladder = policy

    async def schedule(
        self,
        case: Case,
        deadlines: Sequence[Deadline],
        roles: dict[int, str],
        policy: str,
    ) -> None:
        """Write `deadlines` for the case's levels not yet fired (pending ones are moved)."""
        existing = {
            row.level: row
            for row in await self.session.scalars(
                select(Escalation).where(Escalation.case_id == case.id)
            )
        }
        for deadline in deadlines:
            row = existing.get(deadline.level)
            if row is None:
                self._add_level(case, deadline, roles, policy)
            elif row.status == PENDING:
                row.due_at, row.notify_at = deadline.due_at, deadline.notify_at
                row.role, row.policy = roles[deadline.level], policy
        levels = {d.level for d in deadlines}
        for level, row in existing.items():
            if level not in levels and row.status == PENDING:
                row.status = CANCELLED  # the ladder lost this level
        case.ladder = policy

    def _add_level(
        self, case: Case, deadline: Deadline, roles: dict[int, str], policy: str
    ) -> None:
        self.session.add(
            Escalation(
                case_id=case.id,
                level=deadline.level,
                role=roles[deadline.level],
                due_at=deadline.due_at,
                notify_at=deadline.notify_at,
                policy=policy,
                status=PENDING,
            )
        )

    async def hurry_first_level(self, case_id: int, due: datetime) -> bool:
        """Bring the case's first level forward to `due` if it is pending and later; whether
        it was."""
        row = await self.session.scalar(
            select(Escalation).where(Escalation.case_id == case_id, Escalation.level == 1)
        )
        if row is None or row.status != PENDING or row.notify_at <= due:
            return False
        row.due_at = row.notify_at = due
        return True

    async def stale_cases(self, policy: str, limit: int) -> list[Case]:
        """Open cases whose deadlines follow another ladder (or none yet)."""
        rows = await self.session.scalars(
            select(Case)
            .where(Case.status == OPEN, or_(Case.ladder.is_(None), Case.ladder != policy))
            .order_by(Case.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    async def cancel_pending(self, case_id: int) -> int:
        result = await self.session.execute(
            update(Escalation)
            .where(Escalation.case_id == case_id, Escalation.status == PENDING)
            .values(status=CANCELLED)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def ladder_of(self, case_id: int) -> list[Escalation]:
        rows = await self.session.scalars(
            select(Escalation).where(Escalation.case_id == case_id).order_by(Escalation.level)
        )
        return list(rows)

    # --- the due-scan --------------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int) -> list[Due]:
        """Due escalations of open cases, oldest first and lowest level first within a case.

        The rows stay locked (PostgreSQL: `FOR UPDATE SKIP LOCKED`) until the caller's
        transaction marks them fired, so two escalators never fire the same level.
        """
        rows = (await self.session.execute(due_query(now, limit))).all()
        return [Due(e, c, u) for e, c, u in rows]

    def fire(self, due: Due, now: datetime) -> None:
        due.escalation.status, due.escalation.fired_at = FIRED, now
        due.case.escalation_level = max(due.case.escalation_level or 0, due.escalation.level)
        due.case.updated_at = now
        self.timeline.add(
            due.case.id,
            now,
            "escalator",
            "escalated",
            {"level": due.escalation.level, "role": due.escalation.role},
        )

    def cancel(self, due: Due) -> None:
        due.escalation.status = CANCELLED

    # --- supervisors ---------------------------------------------------------------------

    async def acknowledge(self, case: Case, actor: str, now: datetime) -> list[int]:
        """Acknowledge the case's fired, unacknowledged levels; the levels acknowledged."""
        rows = list(
            await self.session.scalars(
                select(Escalation)
                .where(
                    Escalation.case_id == case.id,
                    Escalation.status == FIRED,
                    Escalation.acknowledged_at.is_(None),
                )
                .order_by(Escalation.level)
                .with_for_update()
            )
        )
        for row in rows:
            row.acknowledged_at, row.acknowledged_by = now, actor
        if rows:
            levels = [row.level for row in rows]
            self.timeline.add(case.id, now, actor, "acknowledged", {"levels": levels})
        return [row.level for row in rows]

    async def take(self, case: Case, actor: str, now: datetime) -> bool:
        """Assign the case to `actor`; False if it already was."""
        if case.assigned_to == actor:
            return False
        previous = case.assigned_to
        case.assigned_to, case.assigned_at, case.updated_at = actor, now, now
        self.timeline.add(case.id, now, actor, "taken", {"from": previous})
        return True

    async def overview(self, limit: int) -> list[CaseLine]:
        """Open cases, highest level first, then oldest first."""
        unacknowledged = (
            select(Escalation.id)
            .where(
                Escalation.case_id == Case.id,
                Escalation.status == FIRED,
                Escalation.acknowledged_at.is_(None),
            )
            .exists()
        )
        query = (
            select(Case, unacknowledged)
            .where(Case.status == OPEN)
            .order_by(Case.escalation_level.desc(), Case.opened_at, Case.id)
            .limit(limit)
        )
        return [
            CaseLine(
                reference=case.reference,
                category=case.category,
                level=case.escalation_level or 0,
                opened_at=case.opened_at,
                assigned_to=case.assigned_to,
                human_requested=case.human_requested,
                unacknowledged=bool(flag),
            )
            for case, flag in (await self.session.execute(query)).all()
        ]

    async def open_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Case).where(Case.status == OPEN)
            )
            or 0
        )


def due_query(now: datetime, limit: int) -> Any:
    """The due-scan: pending escalations whose notification time has come, locked with
    their case: two escalators firing levels of one case would both update the case row and
    could deadlock; with the case locked too, the second skips that case until the next pass."""
    return (
        select(Escalation, Case, Customer)
        .join(Case, Case.id == Escalation.case_id)
        .join(Customer, Customer.id == Case.customer_id)
        .where(Escalation.status == PENDING, Escalation.notify_at <= now)
        .order_by(Escalation.notify_at, Escalation.case_id, Escalation.level)
        .limit(limit)
        .with_for_update(skip_locked=True, of=(Escalation, Case))
    )
