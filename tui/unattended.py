"""Staff mode: a PIN typed, then the laptop left alone.

While a PIN entry holds something (or a PIN waits for the last-try confirmation), no key for
``pin_idle_seconds`` (default 180: longer than the kiosk's minute, since staff step away and come
back) brings the same "still there?" countdown as the kiosk; when it runs out, the PIN entries are
emptied, the task is stopped (the flow drops a PIN it held) and the start screen is back, and the
box says why until a key is pressed. With no PIN typed, nothing is timed.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from textual import events

from readers.errors import JpkiResetError
from tui.idle import Countdown, Expired, IdleLimits, IdleWatch, Monotonic
from tui.screens.still_there import StillThereScreen
from tui.widgets.pin_input import PinInput

if TYPE_CHECKING:
    from textual.app import App

    from tui.wizard import Wizard

    _Base = App[int]
else:
    _Base = object


class UnattendedPins(_Base):
    """Mixed into the staff app: ``watch_unattended_pins()`` on mount, ``note_activity(event)`` for
    every event."""

    wizard: Wizard
    pin_idle_seconds: float = 180.0
    pin_warning_seconds: float = 20.0
    idle_clock: Monotonic = staticmethod(time.monotonic)  # tests put a clock of their own here
    _pin_watch: IdleWatch | None = None
    _pin_warning: StillThereScreen | None = None

    def watch_unattended_pins(self) -> None:
        self._pin_watch = IdleWatch(self.idle_clock)
        self.set_interval(1.0, self.tick_pin_idle, name="pin-idle")

    def note_activity(self, event: events.Event) -> None:
        if self._pin_watch is not None and isinstance(event, events.Key | events.MouseDown):
            self._pin_watch.touch()

    def pins_held(self) -> bool:
        """Whether a PIN is typed into an entry, or kept by the flow for the last-try question."""
        flow = self.wizard.flow
        if flow is not None:
            # Imported with the flow (the app's start has none): the states are a notable part of
            # the start's imports, and the start screen shows none of them.
            from reset_flow.states import ConfirmLastTry

            if isinstance(flow.state, ConfirmLastTry):
                return True
        return any(field.value for screen in self.screen_stack for field in screen.query(PinInput))

    async def tick_pin_idle(self) -> None:
        watch = self._pin_watch
        if watch is None or self._exit or not self.screen_stack:
            return
        if not self.pins_held():
            watch.touch()
            return
        phase = watch.phase(IdleLimits(self.pin_idle_seconds, self.pin_warning_seconds))
        if isinstance(phase, Expired):
            await self.clear_unattended_pins()
        elif isinstance(phase, Countdown):
            if self._pin_warning is not None and self._pin_warning in self.screen_stack:
                self._pin_warning.count(phase.seconds_left)
            else:
                self._pin_warning = StillThereScreen("idle.staff", phase.seconds_left)
                self.push_screen(self._pin_warning)

    async def drop_the_task(self) -> None:
        """Empty every PIN entry first, take down every screen above the start (their card work
        cancelled), and cancel the flow, which drops a PIN it held."""
        for screen in self.screen_stack:
            for field in screen.query(PinInput):
                field.value = ""
        flow, self.wizard.flow = self.wizard.flow, None
        while len(self.screen_stack) > 1:
            self.workers.cancel_node(self.screen)
            await self.pop_screen()
        with contextlib.suppress(JpkiResetError):
            if flow is not None:
                await flow.cancel()

    async def clear_unattended_pins(self) -> None:
        """Empty every PIN entry, stop the task, back to the start, and say why."""
        await self.drop_the_task()  # the start screen forgets the task when it is back
        minutes = max(1, round(self.pin_idle_seconds / 60))  # the quiet time before the warning
        self._pin_warning = StillThereScreen("idle.staff", 0)
        await self.push_screen(self._pin_warning)
        self._pin_warning.say_cleared("idle.staff_cleared", minutes=minutes)
