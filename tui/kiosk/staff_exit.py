"""Ctrl+X: staff type the staff code to leave kiosk mode. Escape closes the box and keeps the
resident's entries; a wrong code closes it and clears them (someone tried to get out)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from tui.widgets.keybar import KeyBar
from tui.widgets.say import Say


class StaffCodeInput(Input):
    """Masked with ``*``, and never copied to a clipboard."""

    def __init__(self) -> None:
        super().__init__(password=True, id="staff-code", max_length=64)
        self.cursor_blink = False
        self.help_key = "help.kiosk.staff"

    def action_copy(self) -> None:
        """Copying the code does nothing."""

    def action_cut(self) -> None:
        self.delete_selection()


class StaffExitScreen(ModalScreen[bool | None]):
    """Dismissed with True (the right code), False (a wrong one) or None (Escape)."""

    DEFAULT_CSS = """
    StaffExitScreen { align: center middle; }
    #staff-box { width: 64; height: auto; border: heavy $primary; background: $surface; padding: 0 1; }
    #staff-box #title { text-style: bold; }
    #staff-code { width: 40; height: 1; border: none; padding: 0 1; margin: 1 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "key.back", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-box"):
            yield Say("kiosk.staff.title", id="title")
            yield Say("kiosk.staff.text")
            yield StaffCodeInput()
            yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(StaffCodeInput).focus()

    def relabel(self) -> None:
        for say in self.query(Say):
            say.relabel()
        self.query_one(KeyBar).relabel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one(StaffCodeInput)
        typed, field.value = field.value, ""
        code = getattr(self.app, "staff_code", None)
        self.dismiss(code is not None and code.matches(typed))

    def action_close(self) -> None:
        self.query_one(StaffCodeInput).value = ""
        self.dismiss(None)
