"""F1: help for the focused control, then for the screen, then the keys; Escape closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from tui.widgets.keybar import KeyBar
from tui.widgets.say import Say

if TYPE_CHECKING:
    from tui.screens.host import WizardHost


class HelpScreen(ModalScreen[None]):
    KEYS: ClassVar[str] = "help.keys"  # the keys of the mode the help is shown in
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "key.close", key_display="Esc"),
        Binding("enter", "close", "key.close", key_display="Enter", show=False),
        Binding("f1", "close", "key.close", key_display="F1", show=False),
    ]

    def __init__(self, screen: Screen, focused: Widget | None) -> None:
        super().__init__()
        app = cast("WizardHost", screen.app)
        self.control_key = app.help_key_for(focused)
        self.screen_key = getattr(screen, "help_key", "help.general")

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Say("help.title", id="title")
            with VerticalScroll(id="help-text"):
                yield Say(self.control_key, id="help-control")
                if self.screen_key != self.control_key:
                    yield Say(self.screen_key, id="help-screen")
                yield Say(self.KEYS, id="help-keys")
            yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#help-text").focus()

    def relabel(self) -> None:
        for say in self.query(Say):
            say.relabel()
        self.query_one(KeyBar).relabel()

    def action_close(self) -> None:
        self.dismiss(None)
