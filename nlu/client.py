"""The app's client for a Rasa NLU server: `POST /model/parse` over HTTP."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx

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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = token
        self._threshold = threshold
        self._ambiguity = ambiguity
        self._max_retries = max_retries
        self._max_text_length = max_text_length
        self._backoff = backoff_seconds
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            transport=transport,
            headers={"User-Agent": "prima-nlu-client"},
        )

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

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
        await self._http.aclose()

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
                response = await self._http.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                logger.warning(
                    "NLU %s %s failed (attempt %d/%d): %s",
                    method,
                    path,
                    attempt + 1,
                    attempts,
                    last_problem,
                )
                continue
            if response.status_code in _RETRYABLE_STATUS:
                last_problem = f"HTTP {response.status_code}"
                logger.warning(
                    "NLU %s %s answered %d (attempt %d/%d)",
                    method,
                    path,
                    response.status_code,
                    attempt + 1,
                    attempts,
                )
                continue
            if response.status_code in (401, 403):
                raise NLUError("the NLU server refused the auth token (check RASA_TOKEN)")
            if response.status_code >= 400:
                raise NLUError(f"the NLU server answered HTTP {response.status_code}")
            try:
                return response.json()
            except ValueError as exc:
                raise NLUError("the NLU server answered with something other than JSON") from exc
        raise NLUUnavailableError(
            f"the NLU server at {self.base_url} is unavailable ({last_problem})"
        )
