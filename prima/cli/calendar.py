"""`prima calendar`: the office calendar for a month or a year, or when a case opened at a
given time is due."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo

from pydantic import ValidationError

from escalation.calendar import ALL_DAY, END_OF_DAY, BusinessCalendar, CalendarDay, Day
from escalation.ladder import Clock, Threshold
from prima.bootstrap import Runtime
from prima.cli.exits import EXIT_USAGE
from prima.config import ThresholdSpec


def _calendar(runtime: Runtime, args: argparse.Namespace) -> int:
    """The office calendar for a month or a year, or when a case opened at `--due` is due."""
    policy, zone = runtime.policy(), runtime.config.business_hours.zone
    if args.due is None:
        if args.after is not None or args.category is not None:
            print("prima calendar: --after and --category go with --due", file=sys.stderr)
            return EXIT_USAGE
        today = datetime.now(zone).date()
        year = args.year or today.year
        months = [args.month] if args.month else range(1, 13) if args.year else [today.month]
        print("\n".join(calendar_lines(policy.calendar, year, months)))
        return 0
    if args.year is not None or args.month is not None:
        print("prima calendar: give --due, or --year/--month, not both", file=sys.stderr)
        return EXIT_USAGE
    try:
        opened = office_time(args.due, zone)
    except ValueError:
        print(
            f"prima calendar: --due {args.due!r} is not a time like 2026-03-17 10:00",
            file=sys.stderr,
        )
        return EXIT_USAGE
    rows: list[tuple[str, Threshold, datetime, datetime]] = []
    if args.after is None:  # the configured ladder, with the category's overrides if given
        ladder, category = policy.ladder, args.category or ""
        for d in ladder.schedule(category, opened, policy.calendar):
            label = f"level {d.level} {ladder.level(d.level).role}"
            rows.append((label, ladder.threshold(category, d.level), d.due_at, d.notify_at))
    else:
        try:
            spec = ThresholdSpec.model_validate({"after": args.after, "clock": args.clock})
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            print(f"prima calendar: --after {args.after!r}: {problem}", file=sys.stderr)
            return EXIT_USAGE
        threshold = Threshold(spec.after, Clock(spec.clock))
        due = threshold.due(opened, policy.calendar)
        rows.append(("after", threshold, due, due))
    print("\n".join(due_lines(opened, rows, zone)))
    return 0


def office_time(text: str, zone: tzinfo) -> datetime:
    """`2026-03-17 10:00` in the office's time zone (an explicit UTC offset is kept)."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def calendar_lines(calendar: BusinessCalendar, year: int, months: Iterable[int]) -> list[str]:
    """Each day of the months: its opening hours, or closed and why (holiday, closed date)."""
    sources = "; ".join(h.source for h in calendar.holidays) or "none"
    lines = [f"Office calendar ({calendar.zone}); holiday lists: {sources}"]
    for month in months:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        days = [calendar.on(first + timedelta(days=n)) for n in range((following - first).days)]
        working = sum(1 for d in days if d.hours)
        lines += ["", f"{first:%B %Y}", *(_day_line(d) for d in days)]
        lines.append(f"{working} working days, {len(days) - working} closed")
    return lines


def _day_line(entry: CalendarDay) -> str:
    notes = ["open date"] if entry.extra else []
    notes += [f"{c.kind}: {c.name}" if c.name else c.kind for c in entry.closures]
    special = entry.special
    if special is not None and not entry.closures and special.week[entry.day.weekday()] is not None:
        notes.append(f"special hours {special.first} to {special.last}")
    return f"{entry.day:%a %Y-%m-%d}  {_hours(entry.hours):<24}  {'; '.join(notes)}".rstrip()


def _hours(day: Day) -> str:
    if not day:
        return "closed"
    if day == ALL_DAY:
        return "24h"
    return ", ".join(
        f"{h.opens:%H:%M}-{'24:00' if h.closes == END_OF_DAY else f'{h.closes:%H:%M}'}" for h in day
    )


def due_lines(
    opened: datetime, rows: Sequence[tuple[str, Threshold, datetime, datetime]], zone: tzinfo
) -> list[str]:
    """When each threshold falls due for a case opened at `opened` (and, if held by quiet hours,
    when its notifications go out)."""
    lines = [f"opened   {opened.astimezone(zone):%a %Y-%m-%d %H:%M} ({zone})"]
    for label, threshold, due, notify in rows:
        when = f"{due.astimezone(zone):%a %Y-%m-%d %H:%M}"
        held = f", notified {notify.astimezone(zone):%a %Y-%m-%d %H:%M}" if notify != due else ""
        lines.append(f"{label}: {threshold.describe()}, due {when}{held}")
    return lines
