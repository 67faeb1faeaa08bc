"""Text that comes from the catalogs and follows the language switch."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.i18n.terms import Chains, Inline, Term, Terms
from tui.line_breaks import PhraseText, is_japanese

__all__ = ["Chains", "Inline", "Say", "Term", "Terms"]


class Say(Widget):
    """A catalog entry, drawn in the app's current language each time it is rendered, so a
    language switch only needs a refresh. Hidden while it has no key."""

    DEFAULT_CSS = "Say { height: auto; }"

    def __init__(self, key: str = "", *, id: str | None = None, classes: str = "", **values: object) -> None:
        super().__init__(id=id, classes=classes)
        self.key, self.values = key, values
        self.display = bool(key)

    def render(self) -> Text | PhraseText:
        text = self.app.t(self.key, **self.values) if self.key else ""
        # Japanese breaks between phrases, not only at spaces (tui.line_breaks).
        return PhraseText(text) if is_japanese(text) else Text(text)

    def show(self, key: str, **values: object) -> None:
        if (key, values) == (self.key, self.values):
            return
        self.key, self.values = key, values
        self.display = bool(key)
        self.refresh(layout=True)

    def clear(self) -> None:
        self.show("")

    @property
    def text(self) -> str:
        """What it says now (tests read it)."""
        return self.app.t(self.key, **self.values) if self.key else ""

    def relabel(self) -> None:
        self.refresh(layout=True)
