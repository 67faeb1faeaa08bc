"""The idle warning: "still there?", with the seconds left before what was typed is cleared.

Any key closes it and keeps everything; the key is taken by the warning, so a digit pressed to
wake the screen does not land in a PIN entry. After the clearing, the same box can stay up and
say what happened until a key is pressed (staff mode: whoever comes back learns why).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

from tui.widgets.say import Say


class StillThereScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StillThereScreen { align: center middle; }
    #still-box {
        width: 64; height: auto; border: heavy $warning; background: $surface; padding: 0 1;
    }
    #still-box #title { text-style: bold; }
    """

    def __init__(self, text_key: str, seconds_left: int) -> None:
        super().__init__()
        self.text_key = text_key
        self.seconds_left = seconds_left

    def compose(self) -> ComposeResult:
        with Vertical(id="still-box"):
            yield Say("idle.title", id="title")
            yield Say(self.text_key, id="still-text", seconds=self.seconds_left)

    def count(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        self.query_one("#still-text", Say).show(self.text_key, seconds=seconds_left)

    def say_cleared(self, key: str, **values: object) -> None:
        """The entries are gone: say so, and keep the box until someone presses a key."""
        self.query_one("#title", Say).show("idle.cleared_title")
        self.query_one("#still-text", Say).show(key, **values)

    def relabel(self) -> None:
        for say in self.query(Say):
            say.relabel()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(None)
