"""`prima`: the entry point for every job."""

# Each subcommand's handler lives in the module of its concern: `serve` (the bot and its
# parts), `cases`, `calendar` and `nlu`.

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TelegramError

from escalation.ladder import Clock
from nlu.environment import RasaEnvironmentError
from nlu.server import ServerStartError
from nlu.training import TrainingError
from prima.bootstrap import Runtime
from prima.cli.calendar import _calendar
from prima.cli.cases import _cases, _migrate, _resolve
from prima.cli.exits import EXIT_CONFIG, EXIT_FAILURE, EXIT_USAGE
from prima.cli.nlu import _classify, _nlu_compare, _nlu_env, _nlu_eval, _train
from prima.cli.serve import _check_config, _console, _escalator, _lint_templates, _run, _set_webhook
from prima.config import CATEGORIES, ConfigError, load_config
from prima.core.ports import NLUError
from prima.settings import load_settings

__all__ = ["EXIT_CONFIG", "EXIT_FAILURE", "EXIT_USAGE", "_lint_templates", "main"]


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
