"""Helpers for driving the app with Pilot: build it, wait for card work, read the screen as text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
from rich.console import RenderableType
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from readers.discovery import training_choices
from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.reader import Reader
from reset_flow.client import ReservationClient
from reset_flow.clock import Clock, FixedClock
from reset_flow.embedded import embedded_app
from reset_flow.states import ReservationMade
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust
from tests.moments import TRAINING_NOW
from tui.app import ResetApp
from tui.kiosk.beforehand import reserve_beforehand
from tui.launch import build_wizard


def make_app(
    reader: str | None = "training:adult",
    *,
    lang: str = "en",
    at: str | None = None,
    data_dir: Path | None = None,
    theme: str | None = None,
    **wizard: object,
) -> ResetApp:
    """The app as ``jpki-reset --reader READER --lang LANG [--at AT]`` builds it; discovery lists
    the training cards only, and the embedded service keeps its files in ``data_dir``."""
    built = build_wizard(reader, None, at)
    if at is None:  # the flows judge the cards at a fixed moment, not by the machine's date
        built.clock = FixedClock(TRAINING_NOW)
    built.discover = training_choices
    built.choices = training_choices()  # as discovery would list them on a laptop without readers
    built.data_dir = data_dir
    for name, value in wizard.items():
        setattr(built, name, value)
    return ResetApp(built, lang=lang) if theme is None else ResetApp(built, lang=lang, theme=theme)


async def reserved_beforehand(app: ResetApp, *resets: PinKind) -> None:
    """Step 1 for each of ``resets`` done beforehand on the app's training card (its profile),
    with the app's service and clock, as at the counter earlier: for tests of what comes after."""
    spec = app.wizard.reader_spec
    assert spec is not None and spec.startswith("training:"), spec
    for reset in resets:
        made = await reserve_beforehand(
            spec.removeprefix("training:"), reset, app.wizard.ensure_service(), app.wizard.clock
        )
        assert isinstance(made, ReservationMade), made


def stored_snapshots(module: str) -> set[str]:
    """The names of the pictures kept for a snapshot test module. Run in several workers, syrupy
    cannot tell which are no longer taken, so each module compares them with what it takes."""
    return {path.name for path in (Path(__file__).parent / "__snapshots__" / module).glob("*.svg")}


def screen_text(app: ResetApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot: Pilot) -> None:
    """Let card and service work finish and the screen catch up. Each pause waits for the app
    to go idle (tens of milliseconds at least), so the second is taken only after work ran."""
    await pilot.pause()
    if pilot.app.workers:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one by one, letting any work they start finish before the next (characters
    typed into an entry start none, so they go in at once)."""
    settled = False
    for key in keys:
        typing = len(key) == 1 and key.isalnum() and isinstance(pilot.app.focused, Input)
        await pilot.press(key)
        settled = not typing
        if settled:
            await settle(pilot)
    if not settled:
        await settle(pilot)


def _letters(text: str) -> str:
    # Drop spacing and the box and bar characters that frame wrapped lines.
    return "".join(c for c in text if not c.isspace() and not 0x2500 <= ord(c) <= 0x259F)


def shows(app: ResetApp, text: str) -> bool:
    """Whether the screen says ``text``, wherever the terminal wrapped it (spacing ignored)."""
    return _letters(text) in _letters(screen_text(app))


class GatedReader(Reader):
    """A training card whose answers wait until the test opens the gate (a slow card)."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = EmulatedReader("adult")
        self.info = self.inner.info
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def connect(self) -> bytes:
        return await self.inner.connect()

    async def transmit(self, command: bytes) -> bytes:
        self.waiting.set()
        await self.gate.wait()
        return await self.inner.transmit(command)

    async def disconnect(self) -> None:
        await self.inner.disconnect()


def embedded_service(
    folder: Path,
    clock: Clock,
    *,
    trust: TrustAnchors | None = None,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] = lambda transport: transport,
) -> ReservationClient:
    """The embedded service on ``folder`` (trusting the training CAs unless ``trust`` says
    otherwise), its transport optionally wrapped (to make it fail)."""
    service, token = embedded_app(folder, clock=clock, trust=trust or training_trust())
    http = httpx.AsyncClient(
        transport=wrap(httpx.ASGITransport(app=service)),
        base_url="http://embedded",
        headers={"Authorization": f"Bearer {token}"},
    )
    return ReservationClient(http)


async def walk(pilot: Pilot, *groups: Sequence[str]) -> None:
    """From where the app is, press each group of keys in turn (the way the tests move around)."""
    await settle(pilot)
    for keys in groups:
        await press(pilot, *keys)


def record_terminal_cursor(app: ResetApp) -> list[Offset]:
    """Where each frame sent to the terminal left its cursor (the last one is where it is now).

    Textual writes ``app.cursor_position`` after each frame; a position set after the last frame
    reaches the terminal only with the next one, so the frames, not the attribute, are the truth.
    """
    written: list[Offset] = []
    draw = app._display

    def display(screen: Screen, renderable: RenderableType | None) -> None:
        draw(screen, renderable)
        if renderable is not None:
            written.append(app.screen.outer_size.clamp_offset(app.cursor_position))

    app._display = display  # type: ignore[method-assign]
    return written
