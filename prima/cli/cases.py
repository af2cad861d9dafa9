"""The cases from the command line: the schema, listing cases, resolving one."""

from __future__ import annotations

import argparse
import asyncio
import sys

from prima.bootstrap import Runtime
from prima.cli.exits import EXIT_FAILURE


def _migrate(runtime: Runtime, _: argparse.Namespace) -> int:
    async def upgrade() -> None:
        async with runtime.database():
            pass

    asyncio.run(upgrade())
    print("database schema is up to date")
    return 0


def _cases(runtime: Runtime, args: argparse.Namespace) -> int:
    from prima.storage.models import OPEN

    async def listing() -> None:
        async with runtime.reads() as uow:
            for case in await uow.cases.listing(
                status=None if args.all else OPEN, limit=args.limit
            ):
                flag = " (person requested)" if case.human_requested else ""
                opened = case.opened_at.astimezone(runtime.config.business_hours.zone)
                print(
                    f"{case.reference}  {case.status:<8}  {case.category:<11}  "
                    f"{opened:%Y-%m-%d %H:%M}{flag}"
                )

    asyncio.run(listing())
    return 0


def _resolve(runtime: Runtime, args: argparse.Namespace) -> int:
    """Resolve a case; its customer is asked for feedback by the running bot's outbox."""
    from handover.casework import Outcome
    from prima.core.case import UnknownCaseError

    async def resolve() -> Outcome:
        async with runtime.operator() as operator:
            done = await operator.resolve(
                args.reference, f"operator:{args.by}", args.note, deliver=False
            )
            return done.outcome

    try:
        outcome = asyncio.run(resolve())
    except UnknownCaseError:
        print(f"prima resolve: no case {args.reference}", file=sys.stderr)
        return EXIT_FAILURE
    resolved = outcome is Outcome.RESOLVED
    print(f"{args.reference} resolved" if resolved else f"{args.reference} was already resolved")
    return 0
