"""A fake Telegram Bot API server on loopback, for end-to-end tests and the benchmark.

The real python-telegram-bot `Application` talks to it over HTTP through `base_url`. Tests
push updates (as Telegram would deliver them to `getUpdates`) and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Prima", "username": "prima_test_bot"}


@dataclass
class Sent:
    """A message the bot sent, with when it arrived."""

    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    message_id: int
    at: float

    def button_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row]

    def button_labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


@dataclass
class FakeTelegram:
    """The server's state: pending updates, sent messages, blocked chats, scripted 429s."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: dict[int, list[Sent]] = field(default_factory=lambda: defaultdict(list))
    calls: list[str] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    rate_limited: dict[int, int] = field(default_factory=dict)
    callback_answers: int = 0
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: dict[int, asyncio.Condition] = field(default_factory=dict)
    _new_update: asyncio.Event | None = None
    pushed_at: dict[int, float] = field(default_factory=dict)
    delivered: dict[int, dict[str, Any]] = field(default_factory=dict)
    runner: web.AppRunner | None = None
    port: int = 0

    # --- server --------------------------------------------------------------------------

    async def start(self) -> str:
        self._new_update = asyncio.Event()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        params = await _params(request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        result = await handler(params)
        return result if isinstance(result, web.Response) else _ok(result)

    async def _m_getMe(self, _: dict[str, Any]) -> Any:
        return {
            **BOT_USER,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 2.0)
        assert self._new_update is not None
        while True:
            # Cleared before looking, so a push between the look and the wait is not missed.
            self._new_update.clear()
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates or time.monotonic() >= deadline:
                return self.updates[:100]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.rate_limited.get(chat_id, 0) > 0:
            self.rate_limited[chat_id] -= 1
            return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        markup = params.get("reply_markup") or {}
        message_id = next(self._message_ids)
        sent = Sent(
            chat_id, params["text"], markup.get("inline_keyboard", []), message_id, time.monotonic()
        )
        arrived = self._arrived.setdefault(chat_id, asyncio.Condition())
        async with arrived:
            self.sent[chat_id].append(sent)
            arrived.notify_all()
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": params["text"],
        }

    async def _m_answerCallbackQuery(self, _: dict[str, Any]) -> Any:
        self.callback_answers += 1
        return True

    # --- what tests do ---------------------------------------------------------------------

    def push(self, update: dict[str, Any], *, update_id: int | None = None) -> int:
        uid = update_id if update_id is not None else next(self._update_ids)
        self.updates.append({"update_id": uid, **update})
        self.delivered[uid] = {"update_id": uid, **update}
        self.pushed_at[uid] = time.monotonic()
        assert self._new_update is not None
        self._new_update.set()
        return uid

    def say(self, user: int, text: str, *, name: str = "Siti", update_id: int | None = None) -> int:
        return self.push({"message": _message(user, name, text=text)}, update_id=update_id)

    def send_media(self, user: int, content: dict[str, Any], *, name: str = "Siti") -> int:
        return self.push({"message": _message(user, name, **content)})

    def press(self, user: int, data: str, *, name: str = "Siti") -> int:
        return self.push(
            {
                "callback_query": {
                    "id": f"cq{next(self._update_ids)}",
                    "from": _user(user, name),
                    "chat_instance": f"ci{user}",
                    "data": data,
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": {"id": user, "type": "private"},
                        "from": BOT_USER,
                        "text": "…",
                    },
                }
            }
        )

    async def wait_for(self, chat_id: int, count: int, within: float = 20.0) -> list[Sent]:
        """Wait until the bot has sent `count` messages to the chat in all; return them."""
        arrived = self._arrived.setdefault(chat_id, asyncio.Condition())
        async with arrived:
            await asyncio.wait_for(
                arrived.wait_for(lambda: len(self.sent[chat_id]) >= count), within
            )
        return list(self.sent[chat_id])

    async def reply_to(self, chat_id: int, action: Any, within: float = 20.0) -> Sent:
        """Do `action` (a push) and return the first message the bot sends after it."""
        before = len(self.sent[chat_id])
        action()
        return (await self.wait_for(chat_id, before + 1, within))[before]


def _user(user: int, name: str) -> dict[str, Any]:
    return {"id": user, "is_bot": False, "first_name": name, "language_code": "id"}


def _message(user: int, name: str, **content: Any) -> dict[str, Any]:
    return {
        "message_id": int(time.time() * 1000) % 1_000_000_000,
        "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": name},
        "from": _user(user, name),
        **content,
    }


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
    else:
        form = await request.post()
        raw = {k: v for k, v in form.items() if isinstance(v, str)}
    parsed: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "{[":
            try:
                parsed[key] = json.loads(value)
                continue
            except ValueError:
                pass
        parsed[key] = value
    return parsed


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
