"""Text that comes from the catalogs and follows the language switch."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class Term(str):
    """A value that is itself a catalog key, translated when the text is drawn."""

    __slots__ = ()


class Terms(tuple):
    """Several catalog keys, translated and drawn one per line (e.g. the reasons of a verdict)."""

    __slots__ = ()


class Inline(tuple):
    """Several catalog keys, translated and joined in one line (", " or "、")."""

    __slots__ = ()


class Chains(tuple):
    """Store chains (``reset_flow.kiosk_chains.Chain``), named in the current language in one line."""

    __slots__ = ()


class Say(Widget):
    """A catalog entry, drawn in the app's current language each time it is rendered, so a
    language switch only needs a refresh. Hidden while it has no key."""

    DEFAULT_CSS = "Say { height: auto; }"

    def __init__(self, key: str = "", *, id: str | None = None, classes: str = "", **values: object) -> None:
        super().__init__(id=id, classes=classes)
        self.key, self.values = key, values
        self.display = bool(key)

    def render(self) -> Text:
        return Text(self.app.t(self.key, **self.values) if self.key else "")

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
