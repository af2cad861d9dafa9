"""Staff-desk records on real databases (SQLite and PostgreSQL): the desk outbox, topics,
the message mapping that survives restarts, held agent messages, quiet takeovers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from prima.core.complaint import Category
from prima.core.conversation import Draft
from prima.storage.database import create_engine, migrate, sessions
from prima.storage.desk_records import HELD, DeskRecords, Post
from prima.storage.models import Case, Customer
from prima.storage.outbox import OutboxRecords
from prima.storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
STAFF = -100_200


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate(engine)
    yield engine
    await engine.dispose()


async def a_case(engine: AsyncEngine, user: int = 11, reference: str = "PRM-AAAA") -> int:
    async with sessions(engine)() as session, session.begin():
        uow = UnitOfWork(session)
        customer, _ = await uow.customers.customer_and_state(user, user, "Siti", "id", NOW)
        draft = Draft(Category.SERVICE, 0.9, "complaint_service")
        case = await uow.cases.open(customer, reference, draft, human_requested=True, now=NOW)
        customer.desk_case_id = case.id
        return case.id


async def test_each_case_posts_in_order_once_and_retried_later(engine: AsyncEngine) -> None:
    case_id = await a_case(engine)
    other = await a_case(engine, 12, "PRM-BBBB")
    async with sessions(engine)() as session, session.begin():
        desk = DeskRecords(session)
        card = desk.post(case_id, "card", NOW, text="card", buttons=[[("Take", "desk:take:X")]])
        desk.post(case_id, "copy", NOW, text="caption", source=(11, 501))
        desk.post(None, "text", NOW, text="general", in_topic=False)
        desk.post(other, "text", NOW, text="other case")
        await session.flush()
        desk.post(case_id, "text", NOW, text="edited", reply_to_post=card.id)

    async def claim(at: datetime) -> list[Post]:
        async with sessions(engine)() as session, session.begin():
            return await DeskRecords(session).claim_due(at, LEASE, 10)

    # The oldest post of each case (and General posts): a case's next post waits its turn.
    first = await claim(NOW)
    assert [p.text for p in first] == ["card", "general", "other case"]
    assert first[0].buttons == [[["Take", "desk:take:X"]]]
    assert not first[1].in_topic and first[1].case_id is None
    assert await claim(NOW) == []  # leased, and the rest wait behind them
    async with sessions(engine)() as session, session.begin():
        desk = DeskRecords(session)
        await desk.sent(first[0].id, 9001, NOW)
        await desk.failed(first[1].id, "refused", retry_at=None)
        await desk.failed(first[2].id, "429", retry_at=NOW + timedelta(seconds=5))
        await desk.set_topic(case_id, 77)
    second = await claim(NOW)
    assert [p.text for p in second] == ["caption"]
    assert second[0].topic_id == 77
    assert (second[0].source_chat_id, second[0].source_message_id) == (11, 501)
    async with sessions(engine)() as session, session.begin():
        await DeskRecords(session).sent(second[0].id, 9002, NOW)
    third = await claim(NOW + timedelta(seconds=6))
    assert [p.text for p in third] == ["other case", "edited"]
    assert third[0].attempts == 1
    assert third[1].reply_to == 9001  # answers the card's message in the group


async def test_two_posters_never_claim_the_same_post(engine: AsyncEngine) -> None:
    case_id = await a_case(engine)
    cases = [case_id] + [await a_case(engine, 100 + n, f"PRM-C{n:03d}") for n in range(59)]
    async with sessions(engine)() as session, session.begin():
        desk = DeskRecords(session)
        for case in cases:
            desk.post(case, "text", NOW, text=f"first of {case}")
            desk.post(case, "text", NOW, text=f"second of {case}")

    async def claim() -> list[int]:
        async with sessions(engine)() as session, session.begin():
            return [p.id for p in await DeskRecords(session).claim_due(NOW, LEASE, 40)]

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    # Each case's first post, once; never a case's second while its first is out.
    assert len(first) + len(second) == 60


async def test_the_message_mapping_survives_a_new_session(engine: AsyncEngine) -> None:
    case_id = await a_case(engine)
    async with sessions(engine)() as session, session.begin():
        desk, uow = DeskRecords(session), UnitOfWork(session)
        post = desk.post(case_id, "text", NOW, text="👤 Siti: halo", source=(11, 501))
        customer = await uow.customers.by_id((await session.get(Case, case_id)).customer_id)  # type: ignore[union-attr]
        relayed = OutboxRecords(session).queue_copy(
            customer,
            (STAFF, 801),
            text="Halo",
            reply_to=501,
            case_id=case_id,
            now=NOW,
            lease=LEASE,
        )
        OutboxRecords(session).queue_copy(
            customer,
            (STAFF, 802),
            text="tunggu sebentar",
            reply_to=None,
            case_id=case_id,
            now=NOW,
            lease=LEASE,
            held=True,
        )
        await session.flush()
        await desk.sent(post.id, 9100, NOW)
        await OutboxRecords(session).mark_sent_many([(relayed.id, 7001, 1, NOW)])
        await desk.set_topic(case_id, 55)
    async with sessions(engine)() as session:
        desk = DeskRecords(session)
        assert (await desk.post_mirroring(11, 501)).telegram_message_id == 9100  # type: ignore[union-attr]
        assert await desk.mirrored_source(9100) == (11, 501)
        assert await desk.mirrored_source(1) is None
        copy = await desk.relayed(STAFF, 801)
        assert copy is not None and copy.telegram_message_id == 7001
        assert copy.reply_to_message_id == 501
        kept = await desk.relayed(STAFF, 802)
        assert kept is not None and kept.delivery == HELD
        assert (await desk.case_in_topic(55)).id == case_id  # type: ignore[union-attr]
        assert await desk.case_in_topic(56) is None
    # A held message is never taken by the outbox dispatcher.
    async with sessions(engine)() as session, session.begin():
        due = await OutboxRecords(session).claim_due(NOW + timedelta(hours=1), LEASE, 50)
    assert [m.source for m in due] == []


async def test_quiet_takeovers_are_found_once(engine: AsyncEngine) -> None:
    quiet = await a_case(engine, 11, "PRM-QQQQ")
    busy = await a_case(engine, 12, "PRM-BBBB")
    async with sessions(engine)() as session, session.begin():
        for case_id, active in ((quiet, NOW - timedelta(hours=1)), (busy, NOW)):
            case = await session.get(Case, case_id)
            assert case is not None
            case.agent_user_id, case.agent_name, case.agent_active_at = 5, "Rina", active
    async with sessions(engine)() as session, session.begin():
        found = await DeskRecords(session).quiet_takeovers(NOW - timedelta(minutes=30))
        assert [c.id for c in found] == [quiet]
        found[0].quiet_flagged_at = NOW
    async with sessions(engine)() as session, session.begin():
        assert await DeskRecords(session).quiet_takeovers(NOW - timedelta(minutes=30)) == []
        customer = await session.get(Customer, 1)
        assert customer is not None and customer.desk_case_id == quiet
