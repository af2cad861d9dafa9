"""`prima`: the entry point for every job."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TelegramError

from nlu.client import NLUError
from nlu.environment import RasaEnvironmentError
from nlu.server import ServerStartError
from nlu.training import TrainingError
from prima.bootstrap import Runtime
from prima.config import ConfigError, load_config
from prima.core.ports import Classifier
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
    from prima.guards import MemoryGuards
    from prima.storage.repository import UnknownCaseError

    class _Queued:
        async def send(self, chat_id: int, text: str, buttons: list[list[list[str]]]) -> int:
            raise AssertionError("resolve(deliver=False) sends nothing itself")

        async def copy(
            self, chat_id: int, from_chat_id: int, message_id: int, reply_to: int | None
        ) -> int:
            raise AssertionError("resolve(deliver=False) sends nothing itself")

    async def resolve() -> bool:
        async with runtime.database() as sessions:
            service = runtime.conversations(sessions, None, MemoryGuards(1, 1.0), _Queued())
            return await service.resolve(
                args.reference, f"operator:{args.by}", args.note, deliver=False
            )

    try:
        done = asyncio.run(resolve())
    except UnknownCaseError:
        print(f"prima resolve: no case {args.reference}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{args.reference} resolved" if done else f"{args.reference} was already resolved")
    return 0


def _escalator(runtime: Runtime, args: argparse.Namespace) -> int:
    from bot.escalator import run_escalator

    return asyncio.run(run_escalator(runtime, once=args.once))


def _console(runtime: Runtime, _: argparse.Namespace) -> int:
    from bot.console import run_console

    return asyncio.run(run_console(runtime, sys.stdin, sys.stdout))


def _nlu_eval(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.evaluation import run_evaluation

    return run_evaluation(
        runtime, args.folds, args.latency_requests, args.out, cv_repeats=args.cv_repeats
    )


def _nlu_compare(runtime: Runtime, args: argparse.Namespace) -> int:
    from nlu.comparison import run_comparison
    from nlu.training import NLUProject

    project = NLUProject()
    configs = [c.resolve() for c in args.configs] or [project.config]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    out = Path(args.out)
    print(run_comparison(runtime.rasa_env, project.data, configs, seeds, args.folds, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
