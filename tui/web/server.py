"""The textual-serve server of ``jpki-reset web``: every browser tab that connects gets a process of
its own running ``tui.web.session``; textual-serve relays the screen and the keys.

Its page is the project's own (``page.html``): everything it loads comes from this server (a
training room may have no internet), it says TRAINING or DEMO, and the session's socket is on the
host the page came from. A socket opened from another site's page is refused, and so is a tab past
``max_tabs``, so that a room of trainees cannot start more processes than the laptop can run.
"""

from __future__ import annotations

import asyncio
import html
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

PAGE = Template((Path(__file__).parent / "page.html").read_text(encoding="utf-8"))
ENDED = "セッションは終了しました。再読み込みで新しく始まります。 / Session ended: reload to start again."

log = logging.getLogger(__name__)


class TrainingServer(Server):
    def __init__(
        self, command: str, *, host: str, port: int, title: str, lang: str, max_tabs: int = 20
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.lang = lang
        self.max_tabs = max_tabs
        self.sessions: set[asyncio.Task[object]] = set()

    async def handle_index(self, request: web.Request) -> web.Response:
        font_size = request.query.get("fontsize", "16")
        page = PAGE.substitute(
            lang=self.lang,
            title=html.escape(self.title),
            static="/static/",
            ended=html.escape(ENDED),
            font_size=font_size if font_size.isdigit() and 6 <= int(font_size) <= 64 else "16",
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            log.warning("refused a session opened from %s", origin)
            raise web.HTTPForbidden(text="sessions open from this server's own page only")
        if len(self.sessions) >= self.max_tabs:
            log.warning("refused a session: %d tabs already open", len(self.sessions))
            raise web.HTTPServiceUnavailable(text=f"{self.max_tabs} sessions are open: close one first")
        task = asyncio.current_task()
        assert task is not None
        self.sessions.add(task)
        log.info("tab opened (%d open)", len(self.sessions))
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions.discard(task)
            log.info("tab closed (%d open)", len(self.sessions))

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its banner here; the address is printed once the socket is bound."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Each open tab's app is told to quit (textual-serve does it when its socket is cancelled)."""
        for task in list(self.sessions):
            task.cancel()

    async def run(self, ready: Callable[[str], None]) -> None:
        """Serve until SIGINT or SIGTERM; ``ready`` hears the address (the real port for port 0)."""
        runner = web.AppRunner(await self._make_app(), handle_signals=False, shutdown_timeout=5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            host, port = runner.addresses[0][:2]
            ready(f"http://{_url_host(host)}:{port}/")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, stop.set)
            await stop.wait()
        finally:
            await runner.cleanup()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
