"""Demo mode: a recording's ``ui`` lines press the keys, at their pace, on a replayed card.

The keyboard then controls the demo, not the wizard: Space pauses and resumes, N plays the next
step at once, F2 and F3 still switch language and colours, Ctrl+Q quits. Other keys are ignored,
so a viewer cannot steer the wizard away from what the recording holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot

from readers.recording import Recording, UiLine
from tui import i18n
from tui.widgets.say import Term

VIEWER_KEYS = frozenset({"f2", "f3", "ctrl+q"})


# Named keys and the character a terminal sends with them.
_CHARACTERS = {"enter": "\r", "tab": "\t", "space": " ", "escape": "\x1b", "backspace": "\x7f"}


def key_event(key: str) -> events.Key:
    """The key event a terminal would send for ``key`` (a key name such as ``enter`` or ``a``)."""
    return events.Key(key, key if len(key) == 1 else _CHARACTERS.get(key))


class DemoPlayer:
    def __init__(self, app: App[Any], recording: Recording, *, speed: float = 1.0) -> None:
        self.app = app
        self.recording = recording
        self.steps: list[UiLine] = recording.ui_steps
        self.speed = max(speed, 0.01)
        self.at = 0  # steps played
        self.paused = False
        self.finished = False
        self._go = asyncio.Event()  # set: play without waiting (N), or when resumed
        self._task: asyncio.Task[None] | None = None
        self._scripted: weakref.WeakSet[events.Key] = weakref.WeakSet()

    def scripted(self, event: events.Key) -> bool:
        """Whether the script pressed this key (rather than a viewer)."""
        return event in self._scripted

    # --- what the banner says ---------------------------------------------------------------

    def banner_key(self) -> str:
        if self.finished:
            return "demo.finished"
        return "demo.paused" if self.paused else "demo.playing"

    def banner_values(self) -> dict[str, object]:
        current = self.steps[min(self.at, len(self.steps) - 1)] if self.steps else None
        say = current.say if current else ""
        return {
            # A narration may be a catalog key (said in the viewer's language) or plain words.
            "say": Term(say) if i18n.has("en", say) else say,
            "step": min(self.at + 1, len(self.steps)),
            "steps": len(self.steps),
            "title": self.recording.header.title,
        }

    def _redraw(self) -> None:
        banners = getattr(self.app.screen, "refresh_banners", None)
        if banners is not None:
            banners()

    # --- viewer controls -----------------------------------------------------------------------

    def viewer_key(self, key: str) -> bool:
        """Handle a viewer's key; True when the wizard should not see it."""
        if key == "space":
            self.toggle_pause()
            return True
        if key == "n":
            self.step()
            return True
        return key not in VIEWER_KEYS

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        if not self.paused:
            self._go.set()
        self._redraw()

    def step(self) -> None:
        """Play the next step now (also while paused)."""
        self._go.set()

    # --- playing -----------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self.play())

    async def play(self) -> None:
        pilot = Pilot(self.app)  # only to wait until the app has handled what it was sent
        await self._idle(pilot)
        for index, step in enumerate(self.steps):
            self.at = index
            self._redraw()
            await self._wait(step.pause_ms / 1000 / self.speed)
            for key in step.keys:
                event = key_event(key)
                self._scripted.add(event)
                self.app.post_message(event)
                await self._idle(pilot)
        self.at = len(self.steps)
        self.finished = True
        self._redraw()

    async def _wait(self, seconds: float) -> None:
        """The step's pause; N cuts it short. Paused, it waits for N (one step) or Space."""
        self._go.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._go.wait(), seconds)
        if not self._go.is_set() and self.paused:
            await self._go.wait()
        self._go.clear()

    async def _idle(self, pilot: Pilot) -> None:
        """Wait until the last key and the card and service work it started are done."""
        await pilot.pause()
        while any(worker.is_running for worker in self.app.workers):
            await asyncio.sleep(0.02)
        await pilot.pause()
