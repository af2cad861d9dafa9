"""Running the bot and its parts: polling or webhook, the console chat, the escalator on its
own, the webhook's registration, and the checks before a start."""

from __future__ import annotations

import argparse
import asyncio
import sys

from prima.bootstrap import Runtime
from prima.cli.exits import EXIT_CONFIG, EXIT_FAILURE, EXIT_USAGE


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


def _escalator(runtime: Runtime, args: argparse.Namespace) -> int:
    from bot.escalator_process import run_escalator

    return asyncio.run(run_escalator(runtime, once=args.once))


def _console(runtime: Runtime, _: argparse.Namespace) -> int:
    from bot.console import run_console

    return asyncio.run(run_console(runtime, sys.stdin, sys.stdout))


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
