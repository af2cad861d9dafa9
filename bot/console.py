"""The local console chat: one customer, in the terminal, on the same core as Telegram."""

from __future__ import annotations

import asyncio
import logging
from typing import TextIO

from actions.acknowledge import Reply, acknowledge, acknowledge_category, category_from_choice
from nlu.client import NLUError
from prima.bootstrap import Runtime
from prima.core.complaint import Classification
from prima.core.language import detect_language
from prima.core.text import EmptyTextError
from prima.rendering import to_plain_text

logger = logging.getLogger(__name__)

HELP = "(/lang id | /lang en to switch language, /quit to leave)"
PROMPT = {"id": "Anda", "en": "You"}


async def run_console(runtime: Runtime, stdin: TextIO, stdout: TextIO) -> int:
    """Chat until end of input or /quit. Each bot message is followed by what the NLU read."""
    renderer = runtime.renderer()
    language: str = runtime.config.languages.default
    supported = runtime.config.languages.supported

    def say(reply: Reply) -> None:
        message = renderer.render(language, reply, **runtime.reply_context(language))
        print(f"\n{runtime.config.service.name}: {to_plain_text(message)}", file=stdout, flush=True)

    logs = runtime.settings.state_dir / "logs"
    print(f"Starting… {HELP}\n(logs: {logs})", file=stdout, flush=True)
    async with runtime.classifier() as nlu:
        say(Reply("greet"))
        awaiting_choice = False
        while True:
            print(f"\n{PROMPT.get(language, 'Anda')}: ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                say(Reply("goodbye"))
                return 0
            text = line.strip()
            if text in ("/quit", "/exit"):
                say(Reply("goodbye"))
                return 0
            if text.startswith("/lang"):
                wanted = text.removeprefix("/lang").strip()
                if wanted in supported:
                    language = wanted
                say(Reply("greet"))
                continue
            if awaiting_choice and (category := category_from_choice(text)) is not None:
                awaiting_choice = False
                say(acknowledge_category(category))
                continue
            if len(text.split()) >= 3:
                detected = detect_language(text, default=language)
                if detected in supported:
                    language = detected
            try:
                classification = await nlu.classify(text)
            except EmptyTextError:
                say(Reply("empty_message"))
                continue
            except NLUError as exc:
                # Expected while the NLU server restarts: one line for the operator, no trace.
                logger.warning("classifying a console message failed: %s", exc)
                say(Reply("nlu_unavailable"))
                continue
            reply = acknowledge(classification)
            awaiting_choice = reply.template == "clarify_category"
            say(reply)
            print(_describe(classification), file=stdout, flush=True)


def _describe(result: Classification) -> str:
    flag = ", unsure" if result.fallback else ""
    return f"  [nlu: {result.category.value} · {result.intent} · {result.confidence:.2f}{flag}]"
