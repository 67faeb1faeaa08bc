"""Helpers for kiosk mode under Pilot: a kiosk on a training card whose step 1 is done, and a
monotonic clock the test moves by hand (no test waits for the idle time)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from reset_flow.clock import FixedClock
from reset_flow.states import ReservationMade
from tests.tui.driving import settle
from tui.kiosk.app import KioskApp
from tui.kiosk.beforehand import reserve_beforehand
from tui.kiosk.host import KioskSettings
from tui.kiosk.staff_code import StaffCode
from tui.training_time import parse_at
from tui.wizard import Wizard

AT = "2026-04-01T10:00:00+09:00"  # a Wednesday morning: kiosks open
STAFF_CODE = "counter-7"
# Hashed once per worker (scrypt takes ~50 ms of CPU on purpose); a StaffCode never changes after.
_STAFF = StaffCode(STAFF_CODE)


class HandClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


class Kiosk:
    """A kiosk app with its card, its service clock and its idle clock."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        profile: str = "adult",
        lang: str = "en",
        at: str = AT,
        theme: str | None = None,
        settings: KioskSettings | None = None,
    ) -> None:
        self.reader = EmulatedReader(profile)
        self.profile = profile
        self.service_clock = FixedClock(parse_at(at))
        self.idle_clock = HandClock()
        wizard = Wizard(reader_spec=f"training:{profile}", preselected=True, data_dir=tmp_path)
        wizard.clock = self.service_clock
        wizard.open_reader = lambda spec: self.reader
        self.wizard = wizard
        extra = {"theme": theme} if theme else {}
        self.app = KioskApp(
            wizard,
            lang=lang,
            settings=settings,
            staff_code=_STAFF,
            clock=self.idle_clock,
            **extra,
        )

    async def reserve(self, reset: PinKind = PinKind.SIGN) -> ReservationMade:
        """Step 1 for ``reset``, done beforehand (on another card of the same profile)."""
        service = self.wizard.ensure_service()
        state = await reserve_beforehand(self.profile, reset, service, self.service_clock)
        assert isinstance(state, ReservationMade), state
        return state

    async def wait(self, pilot: Pilot, seconds: float) -> None:
        """``seconds`` pass without a key (the idle clock moves; the app's tick runs)."""
        self.idle_clock.advance(seconds)
        await self.app.tick_idle()
        await settle(pilot)
