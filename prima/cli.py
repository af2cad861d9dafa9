"""`prima`: the entry point for every job."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TelegramError

from escalation.calendar import ALL_DAY, END_OF_DAY, BusinessCalendar, CalendarDay, Day
from escalation.ladder import Clock, Threshold
from nlu.environment import RasaEnvironmentError
from nlu.server import ServerStartError
from nlu.training import TrainingError
from prima.bootstrap import Runtime
from prima.config import CATEGORIES, ConfigError, ThresholdSpec, load_config
from prima.core.ports import Classifier, NLUError
from prima.core.text import EmptyTextError
from prima.settings import load_settings

EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_FAILURE = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        # Webhook mode runs as a service: its logs go to stderr, like every other job's.
        to_file = args.chat and not getattr(args, "webhook", False)
        _configure_logging(settings.log_level, settings.state_dir, to_file=to_file)
        # httpx logs each request URL at INFO, and Rasa's auth token travels in the query.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        runtime = Runtime(settings, load_config(settings.config_path))
        return int(args.handler(runtime, args))
    except ConfigError as exc:
        print(f"prima: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (RasaEnvironmentError, TrainingError, ServerStartError, NLUError) as exc:
        print(f"prima: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except TelegramError as exc:
        # Never the token: PTB's messages name the problem, not the URL.
        print(f"prima: Telegram: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except (OSError, SQLAlchemyError, RedisError) as exc:
        print(f"prima: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _configure_logging(level: str, state_dir: Path, *, to_file: bool) -> None:
    """Log to stderr; in a console chat to `<state>/logs/prima.log`, keeping the chat clean."""
    handler: logging.Handler
    if to_file:
        (state_dir / "logs").mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(state_dir / "logs" / "prima.log", encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prima", description=__doc__)
    parser.set_defaults(chat=False)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot (console chat when no Telegram token)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (and /healthz, /readyz, /metrics) instead of polling",
    )
    run.add_argument(
        "--no-escalator",
        dest="escalator",
        action="store_false",
        help="leave the escalation ladder to a separate `prima escalator`",
    )
    run.set_defaults(handler=_run, chat=True)

    hook = commands.add_parser("set-webhook", help="tell Telegram to post updates to URL")
    hook.add_argument("url", help="the public HTTPS address of WEBHOOK_PATH")
    hook.set_defaults(handler=_set_webhook)

    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.set_defaults(handler=_console, chat=True)

    env = commands.add_parser("nlu-env", help="build the Rasa environment if it is missing")
    env.set_defaults(handler=_nlu_env)

    train = commands.add_parser("train", help="validate the NLU data and train if it changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    train.set_defaults(handler=_train)

    classify = commands.add_parser("classify", help="classify text, printing JSON")
    classify.add_argument("text", nargs="?", help="the text to classify")
    classify.add_argument(
        "--jsonl", action="store_true", help='read {"text": ...} lines on stdin, one result each'
    )
    classify.set_defaults(handler=_classify)

    evaluate = commands.add_parser("nlu-eval", help="cross-validate and score the NLU model")
    evaluate.add_argument("--folds", type=int, default=5)
    evaluate.add_argument("--latency-requests", type=int, default=500)
    evaluate.add_argument(
        "--cv-repeats", type=int, default=1, help="cross-validation runs, each with new folds"
    )
    evaluate.add_argument("--out", default="reports/nlu", help="report directory")
    evaluate.set_defaults(handler=_nlu_eval)

    paired = commands.add_parser(
        "nlu-compare", help="cross-validate pipelines and the baseline on the same folds"
    )
    paired.add_argument(
        "configs", nargs="*", type=Path, help="pipeline configs (default: nlu/config.yml)"
    )
    paired.add_argument("--seeds", default="0,1,2", help="one repeat per seed, each new folds")
    paired.add_argument("--folds", type=int, default=5)
    paired.add_argument("--out", default="reports/nlu", help="report directory")
    paired.set_defaults(handler=_nlu_compare)

    lint = commands.add_parser("lint-templates", help="check every message for positive phrasing")
    lint.set_defaults(handler=_lint_templates)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(handler=_migrate)

    cases = commands.add_parser("cases", help="list open cases (--all for every case)")
    cases.add_argument("--all", action="store_true")
    cases.add_argument("--limit", type=int, default=100)
    cases.set_defaults(handler=_cases)

    resolve = commands.add_parser(
        "resolve", help="resolve a case; the customer is asked for feedback"
    )
    resolve.add_argument("reference")
    resolve.add_argument("--note", default=None, help="how it was resolved")
    resolve.add_argument("--by", default="operator", help="who resolved it")
    resolve.set_defaults(handler=_resolve)

    escalator = commands.add_parser(
        "escalator", help="run only the escalation scheduler (prima run includes it)"
    )
    escalator.add_argument("--once", action="store_true", help="one pass, then exit")
    escalator.set_defaults(handler=_escalator)

    calendar = commands.add_parser(
        "calendar", help="print the office calendar, or when a case opened at --due is due"
    )
    calendar.add_argument("--year", type=int, help="the whole year (with --month, that month)")
    calendar.add_argument("--month", type=int, choices=range(1, 13), metavar="M", help="1-12")
    calendar.add_argument(
        "--due", metavar="OPENED", help='a case opened then, e.g. "2026-03-17 10:00" (office time)'
    )
    calendar.add_argument("--after", help="a threshold for --due, e.g. 3d (default: the ladder)")
    calendar.add_argument(
        "--clock", choices=[c.value for c in Clock], default="elapsed", help="how --after counts"
    )
    calendar.add_argument("--category", choices=CATEGORIES, help="the ladder with its overrides")
    calendar.set_defaults(handler=_calendar)

    check = commands.add_parser("check-config", help="validate config.yml and the environment")
    check.set_defaults(handler=_check_config)
    return parser


def _nlu_env(runtime: Runtime, _: argparse.Namespace) -> int:
    env = runtime.rasa_env
    env.ensure()
    print(env.root)
    return 0


def _train(runtime: Runtime, args: argparse.Namespace) -> int:
    result = runtime.ensure_model(force=args.force)
    state = f"trained in {result.seconds:.1f}s" if result.trained else "up to date"
    print(f"NLU model {state}: {result.model}")
    return 0


def _lint_templates(runtime: Runtime, _: argparse.Namespace) -> int:
    from prima.phrasing import check_templates

    findings = check_templates(runtime.renderer(), runtime.reply_context)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s)")
    return EXIT_FAILURE if findings else 0


def _check_config(runtime: Runtime, _: argparse.Namespace) -> int:
    config, settings = runtime.config, runtime.settings
    print(f"config: {settings.config_path} is valid")
    print(f"  service: {config.service.name} ({config.service.organisation})")
    print(f"  languages: default {config.languages.default}, {list(config.languages.supported)}")
    print(f"  time zone: {config.business_hours.timezone}")
    print(f"  telegram: {'token set' if settings.telegram_bot_token else 'no token (console)'}")
    print(f"  NLU: {settings.rasa_url or 'local Rasa server started by the app'}")
    return 0


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


def _classify(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.jsonl == (args.text is not None):
        print("prima classify: give either TEXT or --jsonl", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_classify_async(runtime, args.text, sys.stdin, sys.stdout))


async def _classify_async(runtime: Runtime, text: str | None, stdin: TextIO, stdout: TextIO) -> int:
    async with runtime.classifier() as classifier:
        if text is not None:
            try:
                result = await classifier.classify(text)
            except EmptyTextError as exc:
                print(json.dumps({"error": str(exc)}), file=stdout)
                return EXIT_USAGE
            print(json.dumps(result.to_dict(), ensure_ascii=False), file=stdout)
            return 0
        failures = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            output = await _classify_line(classifier, line, number)
            failures += "error" in output
            print(json.dumps(output, ensure_ascii=False), file=stdout, flush=True)
        return EXIT_FAILURE if failures else 0


async def _classify_line(classifier: Classifier, line: str, number: int) -> dict[str, object]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        return {"line": number, "error": "not valid JSON"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"line": number, "error": 'expected an object with a string "text"'}
    try:
        return (await classifier.classify(item["text"])).to_dict()
    except EmptyTextError as exc:
        return {"line": number, "error": str(exc)}


def _run(runtime: Runtime, args: argparse.Namespace) -> int:
    token = runtime.settings.telegram_bot_token
    if args.webhook:
        if token is None or runtime.settings.webhook_secret is None:
            print(
                "prima run --webhook: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET",
                file=sys.stderr,
            )
            return EXIT_CONFIG
        from bot.webhook import run_webhook

        return asyncio.run(run_webhook(runtime, token.get_secret_value(), escalator=args.escalator))
    if token is None:
        return _console(runtime, args)
    from bot.telegram import run_telegram

    return asyncio.run(run_telegram(runtime, token.get_secret_value(), escalator=args.escalator))


def _set_webhook(runtime: Runtime, args: argparse.Namespace) -> int:
    token = runtime.settings.telegram_bot_token
    if token is None or runtime.settings.webhook_secret is None:
        print(
            "prima set-webhook: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET", file=sys.stderr
        )
        return EXIT_CONFIG
    if not args.url.startswith("https://"):
        print("prima set-webhook: Telegram posts only to https:// addresses", file=sys.stderr)
        return EXIT_USAGE
    from bot.webhook import set_webhook

    asyncio.run(set_webhook(runtime, token.get_secret_value(), args.url))
    print(f"webhook set: {args.url}")
    return 0


def _migrate(runtime: Runtime, _: argparse.Namespace) -> int:
    async def upgrade() -> None:
        async with runtime.database():
            pass

    asyncio.run(upgrade())
    print("database schema is up to date")
    return 0


def _cases(runtime: Runtime, args: argparse.Namespace) -> int:
    from prima.storage.models import OPEN
    from prima.storage.repository import Repository

    async def listing() -> None:
        async with runtime.database() as sessions, sessions() as session:
            repo = Repository(session)
            for case in await repo.cases(status=None if args.all else OPEN, limit=args.limit):
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
    from prima.storage.repository import UnknownCaseError

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


def _escalator(runtime: Runtime, args: argparse.Namespace) -> int:
    from bot.escalator_process import run_escalator

    return asyncio.run(run_escalator(runtime, once=args.once))


def _console(runtime: Runtime, _: argparse.Namespace) -> int:
    from bot.console import run_console

    return asyncio.run(run_console(runtime, sys.stdin, sys.stdout))


def _nlu_eval(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.evaluation import run_evaluation

    return run_evaluation(
        runtime.rasa_env,
        runtime.classifier,
        args.folds,
        args.latency_requests,
        args.out,
        cv_repeats=args.cv_repeats,
    )


def _nlu_compare(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.comparison import run_comparison
    from nlu.training import NLUProject

    project = NLUProject()
    configs = [c.resolve() for c in args.configs] or [project.config]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    out = Path(args.out)
    ambiguity = runtime.config.nlu.ambiguity_threshold
    table = run_comparison(
        runtime.rasa_env, project.data, configs, seeds, args.folds, out, ambiguity=ambiguity
    )
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
