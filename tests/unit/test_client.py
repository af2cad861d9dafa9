"""The NLU client's HTTP behaviour: retries, auth, errors, against a small local HTTP server.
(Against the real Rasa server: see tests/integration/test_nlu_server.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from nlu.client import NLUUnavailableError, RasaClient
from nlu.server import free_port
from prima.core.complaint import Category
from prima.core.ports import NLUError
from prima.core.text import EmptyTextError

PARSED = {
    "text": "AC mati",
    "intent": {"name": "complaint_mechanical", "confidence": 0.95},
    "intent_ranking": [{"name": "complaint_mechanical", "confidence": 0.95}],
    "entities": [],
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def client_for(handle: Handler, **options: float) -> AsyncIterator[RasaClient]:
    """A client of a local server that answers every request with `handle`."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with RasaClient(
            f"http://127.0.0.1:{port}", token="s3cret", backoff_seconds=0.001, **options
        ) as client:  # type: ignore[arg-type]
            yield client
    finally:
        await runner.cleanup()


async def test_sends_the_cleaned_text_and_the_token() -> None:
    seen: list[tuple[str, str | None, object]] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append((request.path, request.query.get("token"), await request.json()))
        return web.json_response(PARSED)

    async with client_for(handle) as client:
        result = await client.classify("  AC\x00mati  ")
    assert result.category is Category.MECHANICAL
    assert seen == [("/model/parse", "s3cret", {"text": "AC mati"})]


async def test_transient_failures_are_retried() -> None:
    answers = [web.Response(status=503), web.Response(status=502), web.json_response(PARSED)]

    async def handle(request: web.Request) -> web.Response:
        return answers.pop(0)

    async with client_for(handle) as client:
        result = await client.classify("AC mati")
    assert result.intent == "complaint_mechanical"
    assert answers == []


async def test_timeouts_are_retried_then_reported_as_unavailable() -> None:
    calls = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        await asyncio.sleep(2)
        return web.json_response(PARSED)

    async with client_for(handle, max_retries=2, timeout=0.1) as client:
        with pytest.raises(NLUUnavailableError, match="Timeout"):
            await client.classify("AC mati")
    assert calls == 3


async def test_a_refused_token_is_not_retried() -> None:
    calls = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        return web.json_response({"message": "User is not authenticated."}, status=401)

    async with client_for(handle) as client:
        with pytest.raises(NLUError, match="RASA_TOKEN"):
            await client.classify("AC mati")
    assert calls == 1


async def test_non_json_and_malformed_answers_are_errors() -> None:
    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>")

    async def a_list(request: web.Request) -> web.Response:
        return web.json_response([1])

    async with client_for(html) as client:
        with pytest.raises(NLUError, match="other than JSON"):
            await client.classify("AC mati")
    async with client_for(a_list) as client:
        with pytest.raises(NLUError, match="unexpected answer"):
            await client.classify("AC mati")


async def test_empty_text_never_reaches_the_server() -> None:
    async def handle(request: web.Request) -> web.Response:
        raise AssertionError("no request expected")

    async with client_for(handle) as client:
        with pytest.raises(EmptyTextError):
            await client.classify(" \n ")


async def test_nothing_listening_is_reported_as_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with RasaClient(url, max_retries=1, backoff_seconds=0.001, timeout=1.0) as client:
        with pytest.raises(NLUUnavailableError, match="unavailable"):
            await client.classify("AC mati")
        assert not await client.is_ready()


async def test_the_token_never_shows_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    """A server that redirects for ever: the client follows no redirect (aiohttp's error for
    too many would quote the URL, token and all)."""

    async def handle(request: web.Request) -> web.Response:
        raise web.HTTPFound(location=str(request.url))

    async with client_for(handle, max_retries=1) as client:
        with pytest.raises(NLUError) as raised:
            await client.classify("AC mati")
    assert "s3cret" not in str(raised.value)
    assert not any("s3cret" in r.getMessage() for r in caplog.records)
