"""The app's client for a Rasa NLU server: `POST /model/parse` over HTTP (aiohttp).

aiohttp, not httpx: a parse is one request per customer message, and under load httpx's
request cost was about a tenth of the bot's CPU (`python -m bench.webhook --profile`,
docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import json as json_module
import logging
import random
from typing import Any

import aiohttp

from nlu.response import MalformedResponseError, classification_from_rasa
from prima.core.complaint import Classification
from prima.core.ports import NLUError
from prima.core.text import clean_utterance

logger = logging.getLogger(__name__)


class NLUUnavailableError(NLUError):
    """The NLU server did not answer, even after retries."""


_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class RasaClient:
    """Classifies text with a Rasa server; retries transient failures with jittered backoff."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        threshold: float = 0.5,
        ambiguity: float = 0.0,
        timeout: float = 5.0,
        max_retries: int = 3,
        max_text_length: int = 2000,
        backoff_seconds: float = 0.2,
    ) -> None:
        self._token = token
        self._threshold = threshold
        self._ambiguity = ambiguity
        self._max_retries = max_retries
        self._max_text_length = max_text_length
        self._backoff = backoff_seconds
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None  # made in the running event loop

    @property
    def base_url(self) -> str:
        return self._base_url

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(
                timeout=self._timeout,
                headers={"User-Agent": "prima-nlu-client"},
                connector=aiohttp.TCPConnector(limit=100),
            )
        return self._http

    async def classify(self, text: str, *, patient: bool = True) -> Classification:
        """Classify one message. Raises EmptyTextError for nothing to classify, NLUError when
        the server fails or answers nonsense, NLUUnavailableError when it cannot be reached."""
        utterance = clean_utterance(text, self._max_text_length)
        payload = await self._request(
            "POST", "/model/parse", json={"text": utterance.text}, retries=None if patient else 0
        )
        try:
            return classification_from_rasa(
                payload,
                text=utterance.text,
                threshold=self._threshold,
                truncated=utterance.truncated,
                ambiguity=self._ambiguity,
            )
        except (MalformedResponseError, KeyError, TypeError, ValueError) as exc:
            raise NLUError(f"unexpected answer from the NLU server: {exc}") from exc

    async def status(self) -> dict[str, Any]:
        """The server's `/status`: which model is loaded. Raises NLUError when not ready."""
        payload = await self._request("GET", "/status", retries=0)
        if not isinstance(payload, dict):
            raise NLUError("unexpected /status answer")
        return payload

    async def is_ready(self) -> bool:
        try:
            status = await self.status()
        except NLUError:
            return False
        return bool(status.get("model_file"))

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _request(
        self, method: str, path: str, *, json: Any = None, retries: int | None = None
    ) -> Any:
        attempts = 1 + (self._max_retries if retries is None else retries)
        params = {"token": self._token} if self._token else None
        last_problem = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                delay = self._backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
                await asyncio.sleep(delay)
            try:
                async with self._session().request(
                    method, self._base_url + path, json=json, params=params, allow_redirects=False
                ) as response:
                    status, body = response.status, await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                # The error's type only: its text may hold the URL, and the token with it.
                last_problem = type(exc).__name__
                logger.warning(
                    "NLU %s %s failed (attempt %d/%d): %s",
                    method,
                    path,
                    attempt + 1,
                    attempts,
                    last_problem,
                )
                continue
            if status in _RETRYABLE_STATUS:
                last_problem = f"HTTP {status}"
                logger.warning(
                    "NLU %s %s answered %d (attempt %d/%d)",
                    method,
                    path,
                    status,
                    attempt + 1,
                    attempts,
                )
                continue
            if status in (401, 403):
                raise NLUError("the NLU server refused the auth token (check RASA_TOKEN)")
            if status >= 400:
                raise NLUError(f"the NLU server answered HTTP {status}")
            try:
                return json_module.loads(body)
            except ValueError as exc:
                raise NLUError("the NLU server answered with something other than JSON") from exc
        raise NLUUnavailableError(
            f"the NLU server at {self.base_url} is unavailable ({last_problem})"
        )
