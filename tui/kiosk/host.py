"""What the kiosk's screens need of the kiosk app, as an interface: the screens depend on this and
``tui.kiosk.app.KioskApp`` implements it, so no kiosk screen imports the app.
"""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tui.idle import IdleLimits
from tui.screens.host import WizardHost

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.idle import IdleWatch


@dataclass(frozen=True)
class KioskSettings:
    """Seconds without a key before the "still there?" warning, the warning's countdown, and how
    long an ending stays before the start comes back by itself."""

    idle_seconds: float = 60.0
    warning_seconds: float = 20.0
    ending_seconds: float = 30.0

    @property
    def session(self) -> IdleLimits:
        return IdleLimits(self.idle_seconds, self.warning_seconds)

    @property
    def ending(self) -> IdleLimits:
        return IdleLimits(0.0, self.ending_seconds)


class KioskHost(WizardHost, Protocol):
    settings: KioskSettings
    idle: IdleWatch

    @property
    def look_changed(self) -> bool:
        """Whether the language or colours differ from the kiosk's own."""
        ...

    def show_session(self, screen: Screen) -> None: ...

    def drop_flow(self) -> None: ...

    def warn(self, seconds_left: int) -> None: ...

    async def clear_session(self, why: str) -> None: ...

    def run_worker(self, work: Coroutine[Any, Any, Any], *, group: str = ...) -> Any: ...
