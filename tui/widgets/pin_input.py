"""A masked PIN entry: shows ``*`` per character (never the PIN), optionally upper-cases as typed."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from readers.pin import PinKind
from reset_flow.pin_rules import as_typed


class PinInput(Input):
    """The entry of a ``kind`` PIN, kept as the rules of ``reset_flow`` say it is typed (the
    signing PIN upper-cased: residents type lower case or press Caps Lock)."""

    def __init__(self, kind: PinKind, *, id: str, help_key: str) -> None:
        # A steady cursor: blinking distracts, and braille displays follow the position anyway.
        # No max_length: a key past the longest PIN would vanish silently; the rules say "too long".
        super().__init__(password=True, id=id)
        self.cursor_blink = False
        self.kind = kind
        self.help_key = help_key

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(as_typed(self.kind, text), start, end)

    @property
    def _value(self) -> Text:
        # Textual masks with a bullet, which is East-Asian ambiguous and misaligns on CJK
        # terminals; an asterisk is one cell everywhere.
        return Text("*" * len(self.value), no_wrap=True, overflow="ignore", end="")

    # Input would put a selection on the app's clipboard, and from there on the terminal's: a PIN
    # must not be kept anywhere but in this entry.
    def action_copy(self) -> None:
        """Copying a PIN does nothing."""

    def action_cut(self) -> None:
        self.delete_selection()
