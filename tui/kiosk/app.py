"""Kiosk mode: step 2 run by the resident on a self-service terminal, locked down and self-clearing.

Only step 2 is reachable (card, reservation, the PIN they remember, the new PIN twice, the reset,
"remove your card"). F1 help, F2 language and F3 colours stay; nothing leaves the mode but the
staff code (Ctrl+X). Everything typed is cleared when the card is taken off, after a countdown
when no key is pressed, and when the session ends; the entries are emptied and the flow
cancelled, so no PIN is kept in a widget, the flow or a screen left behind.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches

from readers.errors import JpkiResetError
from readers.reader import CARD_REMOVED
from reset_flow import states as st
from tui.app import ResetApp
from tui.choices import Task, TaskChoice
from tui.idle import Countdown, Expired, IdleWatch, Monotonic
from tui.kiosk.host import KioskSettings
from tui.kiosk.look import LARGE_TEXT, next_kiosk_theme
from tui.kiosk.screen_map import screen_for
from tui.kiosk.session import KioskScreen
from tui.kiosk.staff_code import StaffCode
from tui.kiosk.start import KioskStartScreen
from tui.screens.help import HelpScreen
from tui.screens.still_there import StillThereScreen
from tui.themes import DEFAULT_THEME
from tui.wizard import Wizard

_HERE = Path(__file__).resolve().parent
STEP2 = TaskChoice(Task.STEP2)


class KioskHelpScreen(HelpScreen):
    KEYS = "kiosk.help.keys"


class KioskApp(ResetApp, inherit_bindings=False):
    CSS_PATH: ClassVar = [_HERE.parent / "styles" / "app.tcss", _HERE / "kiosk.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "key.help", key_display="F1"),
        Binding("f2", "switch_language", "key.language", key_display="F2"),
        Binding("f3", "next_theme", "kiosk.key.theme", key_display="F3"),
        Binding("ctrl+x", "staff_exit", show=False, priority=True),
    ]

    def __init__(
        self,
        wizard: Wizard,
        *,
        lang: str | None = None,
        theme: str = DEFAULT_THEME,
        settings: KioskSettings | None = None,
        staff_code: StaffCode | None = None,
        clock: Monotonic = time.monotonic,
        beforehand: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        super().__init__(wizard, lang=lang)
        self.register_theme(LARGE_TEXT)
        self.theme = theme
        self.settings = settings or KioskSettings()
        self.staff_code = staff_code  # a StaffCode; None only in demos and tests
        self.idle = IdleWatch(clock)
        self.first_look = (self.lang, theme)  # what a cleared kiosk goes back to
        self._warning: StillThereScreen | None = None
        self._clearing = False
        self._beforehand = beforehand  # demos: step 1, done before the first key is played
        wizard.task = STEP2

    def get_default_screen(self) -> KioskStartScreen:  # type: ignore[override]
        return KioskStartScreen()

    def on_mount(self) -> None:
        if self._beforehand is not None:  # a worker: the demo player waits for workers to end
            self.run_worker(self._beforehand(), group="beforehand")
        self.set_interval(1.0, self.tick_idle, name="kiosk-idle")
        self._watch_card_presence()

    def watch_unattended_pins(self) -> None:
        """Kiosk mode clears on its own, sooner and more (``tick_idle``)."""

    def _watch_card_presence(self) -> None:
        """A PC/SC reader reports a card taken off even while nothing is sent to it."""
        if not self.wizard.reader_spec:
            return
        watch = getattr(self.wizard.ensure_reader().inner, "watch", None)
        if watch is not None:
            self.run_worker(watch(), group="card-presence", exit_on_error=False)

    # --- keys ---------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.idle.touch()
        if isinstance(event, events.Key) and event.key == "ctrl+q" and self._viewer_leaves(event):
            self.exit(0)  # a demo is not a kiosk: its viewer may leave
            return
        await super().on_event(event)

    def _viewer_leaves(self, event: events.Key) -> bool:
        return self.demo is not None and not self.demo.scripted(event)

    def action_quit(self) -> None:
        """Nothing quits kiosk mode but the staff code."""

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual would say how to quit; a kiosk says nothing."""

    def action_next_theme(self) -> None:
        self.theme = next_kiosk_theme(self.theme)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(KioskHelpScreen(self.screen, self.focused))

    def action_staff_exit(self) -> None:
        from tui.kiosk.staff_exit import StaffExitScreen

        if isinstance(self.screen, StaffExitScreen):
            return

        def answered(right: bool | None) -> None:
            if right:
                self.exit(0)
            elif right is False:  # a wrong code: whatever a resident had typed goes too
                self.run_worker(self.clear_session("staff"), group="clear")

        self.push_screen(StaffExitScreen(), answered)

    # --- where the resident is -----------------------------------------------------------------

    @property
    def kiosk_screen(self) -> KioskScreen | None:
        """The kiosk screen under any help, question or warning on top (None before the first one
        is up, and after the app ended)."""
        return next((s for s in reversed(self.screen_stack) if isinstance(s, KioskScreen)), None)

    @property
    def look_changed(self) -> bool:
        return (self.lang, self.theme) != self.first_look

    def show_session(self, screen: KioskScreen) -> None:
        """The next screen of the session: it replaces the current one, above the start."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def screen_for(self, state: st.FlowState) -> KioskScreen:
        """The kiosk screen that shows ``state`` (``screen_map``)."""
        return screen_for(state)

    def drop_flow(self) -> None:
        flow, self.wizard.flow = self.wizard.flow, None
        if flow is not None:
            self.run_worker(flow.cancel(), group="cancel", exit_on_error=False)

    # --- clearing ------------------------------------------------------------------------------

    def _route_card_event(self, event: str) -> None:
        screen = self.kiosk_screen
        if screen is None:
            return
        if event != CARD_REMOVED:
            screen.card_event(event)
        elif screen.lift_clears and not self._clearing:
            self.run_worker(self.clear_session(screen.lift_reason), group="clear")

    async def tick_idle(self) -> None:
        """Every second: count the quiet time of the screen in front of the resident."""
        screen = self.kiosk_screen
        if screen is None or not screen.is_mounted or self._exit or screen._closing:
            return  # not built yet (a slow start), or being taken down
        if self.demo is not None:
            return  # a demo keeps its own pace (a slow --speed must not clear it half-way)
        try:
            limits = screen.idle_limits()
        except NoMatches:  # the app is closing and the screen's widgets are already gone
            return
        if limits is None:
            self.idle.touch()
            return
        phase = self.idle.phase(limits)
        if isinstance(phase, Expired):
            await self.clear_session(screen.expiry_reason)
        elif isinstance(phase, Countdown):
            screen.count_down(phase.seconds_left)

    def warn(self, seconds_left: int) -> None:
        """Show "still there?" with the seconds left, or count it down."""
        if self._warning is not None and self._warning in self.screen_stack:
            self._warning.count(seconds_left)
        else:
            self._warning = StillThereScreen("idle.kiosk", seconds_left)
            self.push_screen(self._warning)

    async def clear_session(self, why: str) -> None:
        """Back to the start with nothing of the session kept: the entries emptied, every screen
        of it gone, the flow cancelled (it drops a PIN it held), the card session ended."""
        if self._clearing:
            return
        self._clearing = True
        try:
            await self.drop_the_task()
            with contextlib.suppress(JpkiResetError):
                await self.wizard.close()
            self.wizard.reset_task()
            self.wizard.task = STEP2
            if why != "card":  # the next person gets the kiosk's own language and colours
                self.lang, self.theme = self.first_look
            start = self.kiosk_screen
            if isinstance(start, KioskStartScreen):
                start.show_cleared(why)
            self.idle.touch()
        finally:
            self._clearing = False
