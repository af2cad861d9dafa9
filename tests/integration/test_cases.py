"""Case records on real databases (SQLite and PostgreSQL): a case from its opening to its
resolution, rating and comment, with its needs, timeline, attachments and feedback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from prima.core.case import UnknownCaseError, candidate_reference
from prima.core.complaint import Category
from prima.core.conversation import Attachment, Draft, Rating
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.unit_of_work import Transactions

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
async def transactions(database_url: str) -> AsyncIterator[Transactions]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield Transactions(sessions(engine))
    await engine.dispose()


async def test_a_case_with_its_needs_timeline_attachments_and_feedback(
    transactions: Transactions,
) -> None:
    draft = Draft(
        Category.SERVICE,
        0.93,
        "complaint_service",
        answers={"description": "Tagihan dobel", "reference": None},
        resolution="refund",
        attachments=(Attachment("photo", file_id="F", file_size=10),),
    )
    async with transactions() as uow:
        cases = uow.cases
        customer, _ = await uow.customers.customer_and_state(11, 11, "Siti", "id", NOW)
        reference = candidate_reference("PRM")
        case = await cases.open(customer, reference, draft, human_requested=False, now=NOW)
        await cases.add_to(reference, customer.id, ["satu lagi"], [], NOW)
        await cases.request_human(reference, customer.id, NOW)
        assert await cases.resolve(reference, "agent:1", "refunded", NOW) is not None
        assert await cases.resolve(reference, "agent:1", "again", NOW) is None
        await cases.record_rating(reference, customer.id, Rating.PUAS, NOW)
        await cases.record_comment(reference, customer.id, "cepat", NOW)
    async with transactions.reads() as uow:
        cases = uow.cases
        stored = await cases.get(reference)
        assert stored.needs["need"] == "practical"
        assert stored.opened_at == NOW  # timezone-aware, in UTC, on both databases
        assert [e.kind for e in await uow.timeline.of(case.id)] == [
            "opened",
            "information_added",
            "human_requested",
            "resolved",
            "rated",
            "commented",
        ]
        assert [a.file_id for a in await cases.attachments(case.id)] == ["F"]
        feedback = await cases.feedback(case.id)
        assert feedback is not None
        assert (feedback.rating, feedback.comment) == ("puas", "cepat")
        with pytest.raises(UnknownCaseError):
            await cases.get(reference, customer_id=customer.id + 1)  # another customer's
