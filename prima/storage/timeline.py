"""The case timeline: who did what to a case, and when. The one writer of its rows (the
customer's steps, staff actions, the ladder's levels all go through `Timeline.add`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from prima.storage.models import CaseEvent


class Timeline:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        case_id: int,
        at: datetime,
        actor: str,
        kind: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append an event to the case's timeline (written with the transaction)."""
        self.session.add(
            CaseEvent(case_id=case_id, at=at, actor=actor, kind=kind, detail=detail or {})
        )

    async def of(self, case_id: int) -> list[CaseEvent]:
        """The case's events, oldest first."""
        rows = await self.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return list(rows)
