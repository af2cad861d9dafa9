"""The NLU client's HTTP behaviour: retries, auth, errors. (Against the real server: see
tests/integration/test_nlu_server.py.)"""

import json

import httpx
import pytest

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


def client_for(handler: httpx.MockTransport, **options: float) -> RasaClient:
    return RasaClient(
        "http://nlu.test", token="s3cret", backoff_seconds=0.001, transport=handler, **options
    )  # type: ignore[arg-type]


async def test_sends_the_cleaned_text_and_the_token() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PARSED)

    async with client_for(httpx.MockTransport(handle)) as client:
        result = await client.classify("  AC\x00mati  ")
    assert result.category is Category.MECHANICAL
    assert seen[0].url.path == "/model/parse"
    assert seen[0].url.params["token"] == "s3cret"
    assert json.loads(seen[0].content) == {"text": "AC mati"}


async def test_transient_failures_are_retried() -> None:
    answers = [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=PARSED)]

    def handle(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    async with client_for(httpx.MockTransport(handle)) as client:
        result = await client.classify("AC mati")
    assert result.intent == "complaint_mechanical"
    assert answers == []


async def test_timeouts_are_retried_then_reported_as_unavailable() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("slow", request=request)

    async with client_for(httpx.MockTransport(handle), max_retries=2) as client:
        with pytest.raises(NLUUnavailableError, match="ReadTimeout"):
            await client.classify("AC mati")
    assert calls == 3


async def test_a_refused_token_is_not_retried() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(401, json={"message": "User is not authenticated."})

    async with client_for(httpx.MockTransport(handle)) as client:
        with pytest.raises(NLUError, match="RASA_TOKEN"):
            await client.classify("AC mati")
    assert calls == 1


async def test_non_json_and_malformed_answers_are_errors() -> None:
    async with client_for(httpx.MockTransport(lambda r: httpx.Response(200, text="<html>"))) as c:
        with pytest.raises(NLUError, match="other than JSON"):
            await c.classify("AC mati")
    async with client_for(httpx.MockTransport(lambda r: httpx.Response(200, json=[1]))) as c:
        with pytest.raises(NLUError, match="unexpected answer"):
            await c.classify("AC mati")


async def test_empty_text_never_reaches_the_server() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    async with client_for(httpx.MockTransport(handle)) as client:
        with pytest.raises(EmptyTextError):
            await client.classify(" \n ")


async def test_nothing_listening_is_reported_as_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with RasaClient(url, max_retries=1, backoff_seconds=0.001, timeout=1.0) as client:
        with pytest.raises(NLUUnavailableError, match="unavailable"):
            await client.classify("AC mati")
        assert not await client.is_ready()
