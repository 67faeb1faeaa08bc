"""A yes/no question answered by a key: Y yes, N or Escape no.

Enter is deliberately not an answer: a reflex Enter must not spend a resident's last PIN try.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from tui.widgets.keybar import KeyBar
from tui.widgets.say import Say


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "key.yes", key_display="Y"),
        Binding("n", "answer(False)", "key.no", key_display="N"),
        Binding("escape", "answer(False)", "key.no", key_display="Esc", show=False),
    ]

    def __init__(self, title_key: str, text_key: str, **values: object) -> None:
        super().__init__()
        self.title_key, self.text_key, self.values = title_key, text_key, values

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Say(self.title_key, id="title", **self.values)
            yield Say(self.text_key, id="confirm-text", **self.values)
            yield KeyBar(id="keys")

    def relabel(self) -> None:
        for say in self.query(Say):
            say.relabel()
        self.query_one(KeyBar).relabel()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
