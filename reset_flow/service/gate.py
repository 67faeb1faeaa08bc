"""The gate in front of every ``/v1`` request, before the framework reads a byte of its body:

1. an address that sent too many unknown tokens lately gets 429 ``too-many-failed-tokens``;
2. the bearer token is checked (401 otherwise, counted against the address);
3. the body is read here, at most ``BODY_LIMIT`` bytes (413 ``body-too-large`` past it, by the
   declared length or by what arrives), and handed on from memory.

So a request without a valid token costs one indexed lookup, and no request can make the service
hold or parse more than a few kilobytes. A proof is about 4 KB of JSON.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reset_flow.service.off_loop import off_loop
from reset_flow.service.office import Refusal, ReservationOffice
from reset_flow.service.store import StorageUnavailable

BODY_LIMIT = 16 * 1024


class Gate:
    def __init__(self, app: ASGIApp, office: ReservationOffice, body_limit: int = BODY_LIMIT) -> None:
        self.app, self.office, self.body_limit = app, office, body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        wait = self.office.failed_tokens.wait(address)
        if wait:
            await _answer(
                send,
                429,
                "too-many-failed-tokens",
                "too many unknown tokens from this address",
                wait,
                close=True,
            )
            return
        token = _bearer(scope)
        try:
            # A token seen lately: no lookup. Another: an indexed read, off the event loop. None:
            # refused at once.
            terminal = self.office.known_terminal(token) if token else self.office.terminal(None)
            if terminal is None:
                terminal = await off_loop(self.office.terminal, token)
        except Refusal as refusal:
            self.office.failed_tokens.take(address)
            await _answer(send, refusal.status, refusal.code, refusal.message, close=True)
            return
        except StorageUnavailable as problem:
            await _answer(send, 503, "storage-unavailable", str(problem), 5.0)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.body_limit:
            await _too_large(send, self.body_limit)
            return
        body = await _read_body(receive, self.body_limit)
        if body is None:
            await _too_large(send, self.body_limit)
            return
        scope.setdefault("state", {})["terminal"] = terminal
        await self.app(scope, _replay(body, receive), send)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away: the app sees an empty body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as the server would

    return replayed


async def _too_large(send: Send, limit: int) -> None:
    await _answer(send, 413, "body-too-large", f"a request body is at most {limit} bytes", close=True)


async def _answer(
    send: Send, status: int, code: str, message: str, retry_after: float | None = None, *, close: bool = False
) -> None:
    details: dict[str, Any] = {"retry_after": round(retry_after, 1)} if retry_after else {}
    body = json.dumps({"code": code, "message": message, "details": details}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if retry_after:
        headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
    if close:  # the body (if any) is not read: the connection is not reused
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
