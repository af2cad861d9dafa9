"""A fake Telegram Bot API server on loopback, for the benchmarks and end-to-end tests.

The real python-telegram-bot `Application` talks to it over HTTP through `base_url`. Tests
and benchmarks push updates (as Telegram would deliver them to `getUpdates`) and read what
the bot sent.
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
    """A message the bot sent (or copied), with when it arrived."""

    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    message_id: int
    at: float
    thread_id: int | None = None
    reply_to: int | None = None
    copied_from: tuple[int, int] | None = None  # (chat, message) of a copy
    media: str | None = None  # the copied content's kind (photo, voice, ...)

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
    params: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    blocked: set[int] = field(default_factory=set)
    rate_limited: dict[int, int] = field(default_factory=dict)
    callback_answers: int = 0
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: dict[int, asyncio.Condition] = field(default_factory=dict)
    _new_update: asyncio.Event | None = None
    pushed_at: dict[int, float] = field(default_factory=dict)
    delivered: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Messages by (chat, message id), users' and the bot's: what copyMessage copies.
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    deleted_topics: set[int] = field(default_factory=set)
    closed_topics: set[int] = field(default_factory=set)
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # chat, message, new text
    _thread_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    runner: web.AppRunner | None = None
    port: int = 0

    # --- server --------------------------------------------------------------------------

    async def start(self) -> str:
        self._new_update = asyncio.Event()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        # A poll whose client went away (a stopped bot) ends, instead of confirming updates
        # on behalf of the next process.
        self.runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
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
        self.params[method].append(params)
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
        refused = self._refusal(chat_id, params)
        if refused is not None:
            return refused
        markup = params.get("reply_markup") or {}
        message_id = next(self._message_ids)
        sent = Sent(
            chat_id,
            params["text"],
            markup.get("inline_keyboard", []),
            message_id,
            time.monotonic(),
            thread_id=_int(params.get("message_thread_id")),
            reply_to=_reply_to(params),
        )
        await self._record(sent)
        self.messages[(chat_id, message_id)] = {"text": params["text"]}
        return self._bot_message(sent)

    def _refusal(self, chat_id: int, params: dict[str, Any]) -> web.Response | None:
        """Why Telegram would not deliver to this chat (or topic) now, if it would not."""
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.rate_limited.get(chat_id, 0) > 0:
            self.rate_limited[chat_id] -= 1
            return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        thread = _int(params.get("message_thread_id"))
        if thread in self.deleted_topics:
            return _error(400, "Bad Request: message thread not found")
        if thread in self.closed_topics:
            return _error(400, "Bad Request: TOPIC_CLOSED")
        return None

    async def _record(self, sent: Sent) -> None:
        arrived = self._arrived.setdefault(sent.chat_id, asyncio.Condition())
        async with arrived:
            self.sent[sent.chat_id].append(sent)
            arrived.notify_all()

    def _bot_message(self, sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": sent.text,
        }
        if sent.thread_id is not None:
            message["message_thread_id"] = sent.thread_id
            message["is_topic_message"] = True
        return message

    async def _m_copyMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        refused = self._refusal(chat_id, params)
        if refused is not None:
            return refused
        source = (int(params["from_chat_id"]), int(params["message_id"]))
        original = self.messages.get(source)
        if original is None:
            return _error(400, "Bad Request: message to copy not found")
        media = next((k for k in MEDIA_KINDS if k in original), None)
        text = params.get("caption") or original.get("text") or original.get("caption") or ""
        sent = Sent(
            chat_id,
            text,
            [],
            next(self._message_ids),
            time.monotonic(),
            thread_id=_int(params.get("message_thread_id")),
            reply_to=_reply_to(params),
            copied_from=source,
            media=media,
        )
        await self._record(sent)
        self.messages[(chat_id, sent.message_id)] = dict(original)
        return {"message_id": sent.message_id}

    async def _m_createForumTopic(self, params: dict[str, Any]) -> Any:
        thread = next(self._thread_ids)
        self.topics[thread] = str(params["name"])
        return {"message_thread_id": thread, "name": params["name"], "icon_color": 7322096}

    async def _m_reopenForumTopic(self, params: dict[str, Any]) -> Any:
        self.closed_topics.discard(int(params["message_thread_id"]))
        return True

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        self.edits.append((chat_id, message_id, params["text"]))
        sent = Sent(chat_id, params["text"], [], message_id, time.monotonic())
        return self._bot_message(sent)

    async def _m_editMessageCaption(self, params: dict[str, Any]) -> Any:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        self.edits.append((chat_id, message_id, params.get("caption") or ""))
        return self._bot_message(Sent(chat_id, "", [], message_id, time.monotonic()))

    async def _m_answerCallbackQuery(self, _: dict[str, Any]) -> Any:
        self.callback_answers += 1
        return True

    # --- what tests do ---------------------------------------------------------------------

    def push(self, update: dict[str, Any], *, update_id: int | None = None) -> int:
        uid = update_id if update_id is not None else next(self._update_ids)
        message = update.get("message")
        if message is not None:
            # Unique ids (per chat on Telegram; unique overall here), remembered for copies.
            message["message_id"] = next(self._message_ids)
            self.messages[(message["chat"]["id"], message["message_id"])] = message
        self.updates.append({"update_id": uid, **update})
        self.delivered[uid] = {"update_id": uid, **update}
        self.pushed_at[uid] = time.monotonic()
        assert self._new_update is not None
        self._new_update.set()
        return uid

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, unchanged (as Telegram does when a bot died before
        confirming it)."""
        self.updates.append(dict(self.delivered[update_id]))
        assert self._new_update is not None
        self._new_update.set()

    def say(self, user: int, text: str, *, name: str = "Siti", update_id: int | None = None) -> int:
        return self.push({"message": _message(user, name, text=text)}, update_id=update_id)

    def send_media(self, user: int, content: dict[str, Any], *, name: str = "Siti") -> int:
        return self.push({"message": _message(user, name, **content)})

    def press(self, user: int, data: str, *, name: str = "Siti") -> int:
        return self.push(callback_query(user, name, data, f"cq{next(self._update_ids)}"))

    # --- the staff group -----------------------------------------------------------------------

    def staff_says(
        self,
        user: int,
        group: int,
        thread: int | None,
        name: str = "Rina",
        reply_to: int | None = None,
        **content: Any,
    ) -> int:
        """A staff member writes in the group (in a topic when `thread` is given); the update's
        message id is the returned update's `message_id` (see `last_message_id`)."""
        message = _group_message(user, name, group, thread, **content)
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": message["chat"],
                **({"message_thread_id": thread, "is_topic_message": True} if thread else {}),
            }
        return self.push({"message": message})

    def message_id_of(self, update_id: int) -> int:
        return int(self.delivered[update_id]["message"]["message_id"])

    def staff_edits(
        self, user: int, group: int, thread: int | None, message_id: int, text: str
    ) -> int:
        message = _group_message(user, "Rina", group, thread, text=text)
        message["message_id"] = message_id
        message["edit_date"] = int(time.time())
        self.messages[(group, message_id)] = message
        return self.push({"edited_message": message})

    def customer_edits(self, user: int, message_id: int, text: str, name: str = "Siti") -> int:
        message = _message(user, name, text=text)
        message["message_id"] = message_id
        message["edit_date"] = int(time.time())
        self.messages[(user, message_id)] = message
        return self.push({"edited_message": message})

    def staff_press(
        self, user: int, group: int, thread: int | None, data: str, name: str = "Rina"
    ) -> int:
        chat = {"id": group, "type": "supergroup", "title": "Staff", "is_forum": True}
        pressed: dict[str, Any] = {
            "message_id": 1,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": "…",
        }
        if thread is not None:
            pressed.update({"message_thread_id": thread, "is_topic_message": True})
        return self.push(
            {
                "callback_query": {
                    "id": f"cq{next(self._update_ids)}",
                    "from": _user(user, name),
                    "chat_instance": f"ci{group}",
                    "data": data,
                    "message": pressed,
                }
            }
        )

    def in_topic(self, group: int, thread: int) -> list[Sent]:
        return [m for m in self.sent[group] if m.thread_id == thread]

    async def until(self, check: Any, within: float = 20.0) -> None:
        """Wait until `check()` is true (polling the fake's state)."""
        async with asyncio.timeout(within):
            while not check():  # noqa: ASYNC110 (the fake's state has no event to wait on)
                await asyncio.sleep(0.02)

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


MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "sticker", "location")


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _reply_to(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        return int(reply["message_id"])
    return _int(params.get("reply_to_message_id"))


def _group_message(
    user: int, name: str, group: int, thread: int | None, **content: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 0,
        "date": int(time.time()),
        "chat": {"id": group, "type": "supergroup", "title": "Staff", "is_forum": True},
        "from": _user(user, name),
        **content,
    }
    if thread is not None:
        message.update({"message_thread_id": thread, "is_topic_message": True})
    if isinstance(content.get("text"), str) and content["text"].startswith("/"):
        command = content["text"].split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message


def callback_query(user: int, name: str, data: str, query_id: str) -> dict[str, Any]:
    """An update: the customer pressed a button under the bot's message in their chat."""
    return {
        "callback_query": {
            "id": query_id,
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
