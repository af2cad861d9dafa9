"""Case records: each complaint a customer opened, with what they told, sent and rated, from
its reference to its resolution."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from prima.core.case import UnknownCaseError
from prima.core.complaint import Category
from prima.core.conversation import Attachment as AttachmentData
from prima.core.conversation import Draft, Rating
from prima.core.decision import CaseView
from prima.storage.models import OPEN, RESOLVED, Attachment, Case, Customer, Feedback
from prima.storage.timeline import Timeline

_OPEN_CASES = (
    select(Case)
    .where(Case.customer_id == bindparam("customer_id"), Case.status == OPEN)
    .order_by(Case.opened_at.desc(), Case.id.desc())
)


class CaseRecords:
    """Case queries, on the unit of work's session; events go to its timeline."""

    def __init__(self, session: AsyncSession, timeline: Timeline) -> None:
        self.session = session
        self._timeline = timeline

    async def reference_taken(self, reference: str) -> bool:
        found = await self.session.scalar(select(Case.id).where(Case.reference == reference))
        return found is not None

    async def open_for(self, customer_id: int) -> list[CaseView]:
        rows = await self.session.scalars(_OPEN_CASES, {"customer_id": customer_id})
        return [_view(case) for case in rows]

    async def by_id(self, case_id: int) -> Case:
        case = await self.session.get(Case, case_id)
        if case is None:
            raise UnknownCaseError(str(case_id))
        return case

    async def get(self, reference: str, customer_id: int | None = None) -> Case:
        query = select(Case).where(Case.reference == reference)
        if customer_id is not None:
            query = query.where(Case.customer_id == customer_id)
        case = await self.session.scalar(query)
        if case is None:
            raise UnknownCaseError(reference)
        return case

    async def open(
        self,
        customer: Customer,
        reference: str,
        draft: Draft,
        *,
        human_requested: bool,
        now: datetime,
    ) -> Case:
        needs: dict[str, Any] = {
            # One entry per fact (description, item, person, place, time, reference,
            # expectation), in reading order; facts asked for and not given are left out.
            "answers": dict(draft.details()),
            "time_at": draft.time_at,  # the time said, read as a date-time where possible
            "resolution": draft.resolution,
            "need": need.value if (need := draft.need_kind()) else None,
            "notes": list(draft.notes),
        }
        case = Case(
            reference=reference,
            customer_id=customer.id,
            category=draft.category.value,
            intent=draft.intent,
            confidence=draft.confidence,
            needs=needs,
            status=OPEN,
            human_requested=human_requested,
            language=customer.language,
            opened_at=now,
            updated_at=now,
        )
        self.session.add(case)
        await self.session.flush()
        self._event(case, now, "customer", "opened", {"category": case.category})
        if human_requested:
            self._event(case, now, "customer", "human_requested", {})
        for attachment in draft.attachments:
            self._attach(case, attachment, now)
        return case

    async def add_to(
        self,
        reference: str,
        customer_id: int,
        texts: Sequence[str],
        attachments: Sequence[AttachmentData],
        now: datetime,
    ) -> Case:
        case = await self.get(reference, customer_id)
        if texts:
            self._event(case, now, "customer", "information_added", {"texts": list(texts)})
        for attachment in attachments:
            self._attach(case, attachment, now)
            self._event(case, now, "customer", "attachment_added", {"kind": attachment.kind})
        case.updated_at = now
        return case

    async def request_human(self, reference: str, customer_id: int, now: datetime) -> Case:
        case = await self.get(reference, customer_id)
        if not case.human_requested:
            case.human_requested, case.updated_at = True, now
        self._event(case, now, "customer", "human_requested", {})
        return case

    async def resolve(
        self, reference: str, actor: str, resolution: str | None, now: datetime
    ) -> Case | None:
        """Mark a case resolved, held by nobody; None if it already was. Its ladder is left
        as it is: stopping it is the resolver's part."""
        case = await self.get(reference)
        if case.status == RESOLVED:
            return None
        case.status, case.resolved_at, case.updated_at = RESOLVED, now, now
        case.resolved_by, case.resolution = actor, resolution
        # Nobody holds it now.
        case.agent_user_id = case.agent_name = case.agent_alias = None
        case.agent_active_at = case.quiet_flagged_at = None
        self._event(case, now, actor, "resolved", {"resolution": resolution})
        return case

    async def record_rating(
        self, reference: str, customer_id: int, rating: Rating, now: datetime
    ) -> None:
        case = await self.get(reference, customer_id)
        feedback = await self._feedback(case, now)
        feedback.rating, feedback.updated_at = rating.value, now
        self._event(case, now, "customer", "rated", {"rating": rating.value})

    async def record_comment(
        self, reference: str, customer_id: int, comment: str, now: datetime
    ) -> None:
        case = await self.get(reference, customer_id)
        feedback = await self._feedback(case, now)
        feedback.comment, feedback.updated_at = comment, now
        self._event(case, now, "customer", "commented", {})

    async def feedback(self, case_id: int) -> Feedback | None:
        return await self.session.get(Feedback, case_id)

    async def attachments(self, case_id: int) -> list[Attachment]:
        rows = await self.session.scalars(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        )
        return list(rows)

    async def listing(self, *, status: str | None = None, limit: int = 100) -> list[Case]:
        query = select(Case).order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit)
        if status:
            query = query.where(Case.status == status)
        return list(await self.session.scalars(query))

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Case)) or 0)

    async def _feedback(self, case: Case, now: datetime) -> Feedback:
        feedback = await self.session.get(Feedback, case.id)
        if feedback is None:
            feedback = Feedback(case_id=case.id, created_at=now, updated_at=now)
            self.session.add(feedback)
        return feedback

    def _event(
        self, case: Case, now: datetime, actor: str, kind: str, detail: dict[str, Any]
    ) -> None:
        self._timeline.add(case.id, now, actor, kind, detail)

    def _attach(self, case: Case, data: AttachmentData, now: datetime) -> None:
        self.session.add(
            Attachment(
                case_id=case.id,
                kind=data.kind,
                file_id=data.file_id,
                file_unique_id=data.file_unique_id,
                mime_type=data.mime_type,
                file_name=data.file_name,
                file_size=data.file_size,
                caption=data.caption,
                latitude=data.latitude,
                longitude=data.longitude,
                telegram_message_id=data.message_id,
                created_at=now,
            )
        )


def _view(case: Case) -> CaseView:
    return CaseView(
        reference=case.reference,
        category=Category(case.category),
        status=case.status,
        human_requested=case.human_requested,
        opened_at=case.opened_at,
    )
