"""python-telegram-bot's HTTP requests over aiohttp instead of its default httpx.

Every reply the bot sends is one Bot API request, and polling parses a batch of updates per
request: under load the HTTP client is a large share of the bot's CPU. aiohttp (already the
webhook server's library) parses HTTP in C and costs far less per request than httpx. PTB
documents `BaseRequest` as the place to plug in another HTTP library.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# A per-call timeout as PTB passes it: seconds, None (no limit) or `BaseRequest.DEFAULT_NONE`
# (not given: use the pool's own). PTB's own name for this type (`ODVInput[float]`) is in a
# private module; its public docs type the marker as a plain object, so the override takes
# any object (a wider parameter type than the base's, which mypy accepts).
Timeout = float | None | object


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session with PTB's timeouts (seconds; None waits for ever).

    `pool_timeout` bounds the wait for a free connection: aiohttp counts it as part of the
    connect phase, so the connect budget is the pool wait plus the connect timeout.
    A write timeout has no aiohttp counterpart (PTB's per-call `write_timeout` is ignored):
    request bodies here are small, and the read timeout starts once they are written.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # PTB reads its own JSON; responses are handed over as bytes.
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _seconds(read_timeout, self._read)
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are asyncio.TimeoutError
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _seconds(given: Timeout, default: float | None) -> float | None:
    """A timeout given to one call, or `default` when PTB passed its not-given marker."""
    if given is BaseRequest.DEFAULT_NONE:  # the check PTB documents for BaseRequest subclasses
        return default
    if given is None or isinstance(given, int | float):
        return given
    raise TypeError(f"a timeout is seconds or None, not {given!r}")


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields (PTB's JSON-encoded values), as multipart when files are attached."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
