"""What the wizard's screens need of the app that shows them, as an interface: the screens depend
on this, the apps (``tui.app.ResetApp``, the kiosk's) implement it, so no screen imports an app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from reset_flow.states import FlowState
    from tui.demo import DemoPlayer
    from tui.wizard import Wizard


class WizardHost(Protocol):
    wizard: Wizard
    lang: str
    demo: DemoPlayer | None

    def screen_for(self, state: FlowState) -> Screen | None:
        """The screen that shows ``state``; None when it is an ending explained where it happened."""
        ...

    def help_key_for(self, widget: Widget | None) -> str:
        """The help entry of a control: its own, else its screen's."""
        ...
