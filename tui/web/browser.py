"""A real browser for the web-mode tests and the start-up bench: Debian's Chromium, headless, driven
through the DevTools protocol over a websocket (aiohttp, which textual-serve brings).

``Chromium`` starts one browser with a private profile on a free DevTools port (several test
workers each have their own) and stops it by PID. ``Tab`` opens a page, presses keys as a keyboard
would (``Input.dispatchKeyEvent``), reads what the app shows from the xterm.js buffer, and takes
screenshots. The buffer is reached through a setter that the page's script trips when it stores
its terminal (textual-serve keeps it in a closure): the test reads the text xterm.js holds, the
same text the screenshot shows.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-default-browser-check",
    "--window-size=1280,800",
    "--remote-debugging-port=0",
)

# Runs in every page before its own scripts: keep the terminal textual-serve's page makes.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && typeof value.loadAddon === "function") { window.__terminal = value; }
  },
});
"""

SCREEN_TEXT = """(() => {
  const t = window.__terminal;
  if (!t) { return null; }
  const buffer = t.buffer.active, lines = [];
  for (let y = 0; y < t.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()"""

# What a keyboard sends for the keys the tests press: DOM key, code, Windows key code, text.
KEYS: dict[str, tuple[str, str, int, str]] = {
    "enter": ("Enter", "Enter", 13, "\r"),
    "space": (" ", "Space", 32, " "),
    "tab": ("Tab", "Tab", 9, ""),
    "escape": ("Escape", "Escape", 27, ""),
    "down": ("ArrowDown", "ArrowDown", 40, ""),
    "up": ("ArrowUp", "ArrowUp", 38, ""),
    **{f"f{n}": (f"F{n}", f"F{n}", 111 + n, "") for n in range(1, 13)},
}


class BrowserUnavailable(Exception):
    """Chromium is not installed here or cannot start at all."""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def chromium_flags() -> list[str]:
    # Chromium refuses to run as root inside its sandbox; a test machine's CI runs as root.
    return [*FLAGS, "--no-sandbox"] if os.geteuid() == 0 else list(FLAGS)


@dataclass
class Chromium:
    profile: Path  # a fresh --user-data-dir: nothing shared with another browser or worker
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self, timeout: float = 60.0) -> None:
        executable = find_chromium()
        if executable is None:
            raise BrowserUnavailable("no chromium on PATH (./.ci/setup installs Debian's chromium)")
        log = (self.profile / "chromium.log").open("wb")
        self.process = subprocess.Popen(
            [executable, *chromium_flags(), f"--user-data-dir={self.profile}", "about:blank"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its helper processes share this group, stopped with it
        )
        active = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not active.exists() or not active.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.profile / "chromium.log").read_text(errors="replace")[-600:]
                raise BrowserUnavailable(f"chromium did not start: {tail.strip() or 'no output'}")
            time.sleep(0.05)
        self.port = int(active.read_text().split()[0])

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # helpers left behind by the browser we started

    @contextlib.asynccontextmanager
    async def tab(self):  # type: ignore[no-untyped-def]
        """A new tab of its own (closed afterwards), ready for ``Tab.open``."""
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{self.port}"
            async with http.put(f"{base}/json/new?about:blank") as answer:
                target = await answer.json()
            try:
                async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                    tab = Tab(socket)
                    reader = asyncio.create_task(tab.read())
                    try:
                        yield tab
                    finally:
                        reader.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await reader
            finally:
                async with http.get(f"{base}/json/close/{target['id']}"):
                    pass


class Tab:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}

    async def read(self) -> None:
        async for message in self.socket:
            data = message.json()
            future = self.waiting.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[number] = future
        await self.socket.send_json({"id": number, "method": method, "params": params})
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def open(self, url: str) -> None:
        """Load the page with the terminal catcher in place, as a focused window would."""
        await self.prepare()
        await self.navigate(url)

    async def prepare(self) -> None:
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
        await self.send("Emulation.setFocusEmulationEnabled", enabled=True)

    async def navigate(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def screen_text(self) -> str:
        return await self.evaluate(SCREEN_TEXT) or ""

    async def wait_for(self, *texts: str, timeout: float = 60.0) -> str:
        """The screen once it shows every one of ``texts``; on timeout, an error with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = await self.screen_text()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser never showed {texts!r}; it shows:\n{screen}")
            await asyncio.sleep(0.02)

    async def wait_until(self, expression: str, timeout: float = 60.0) -> None:
        """Until the page's ``expression`` is true (a bound on a hang, not a timing check)."""
        deadline = time.monotonic() + timeout
        while not await self.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never made {expression} true")
            await asyncio.sleep(0.02)

    async def press(self, key: str) -> None:
        """One key press on the terminal, as the keyboard would send it (``enter``, ``f2``, ``n``,
        ``ctrl+q``)."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        _, ctrl, key = key.rpartition("ctrl+")
        dom_key, code, key_code, text = KEYS.get(key) or (key, f"Key{key.upper()}", ord(key.upper()), key)
        down: dict[str, Any] = {"key": dom_key, "code": code, "windowsVirtualKeyCode": key_code}
        if ctrl:  # with Ctrl held, a letter types nothing: the terminal sends its control code
            down["modifiers"] = 2
            text = ""
        if text:  # a key that types: keydown and keypress
            await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **down)
        else:
            await self.send("Input.dispatchKeyEvent", type="rawKeyDown", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **down)

    async def screenshot(self, path: Path) -> Path:
        await self.send("Page.bringToFront")  # a tab behind another draws no frame to capture
        shot = await self.send("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
