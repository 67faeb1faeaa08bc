"""The service's client over a real socket asks the import system nothing per request: httpcore
looks for sniffio on every request, and without it installed each look is a walk of the whole import
path (about 0.4 ms of a terminal's CPU per request, a third of httpx's cost here)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import httpx

from reset_flow.client import ReservationClient

ANSWER = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{"status":"ok"}'


class ImportsSeen:
    """A finder first on ``sys.meta_path`` that only notes the names the import system looks for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.names.append(name)
        return None  # the other finders go on as usual


async def answer_every_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers each request's head (the client's GETs have no body) until the client goes."""
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def test_requests_make_no_import_lookups() -> None:
    server = await asyncio.start_server(answer_every_request, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    seen = ImportsSeen()
    async with ReservationClient(httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")) as client:
        await client.health()  # the first request may import what it needs once
        sys.meta_path.insert(0, seen)
        try:
            for _ in range(5):
                assert await client.health() == {"status": "ok"}
        finally:
            sys.meta_path.remove(seen)
    server.close()
    await server.wait_closed()
    assert seen.names == []
