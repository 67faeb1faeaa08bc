"""Text that comes from the catalogs and follows the language switch."""

from __future__ import annotations

from textual.widgets import Static


class Term(str):
    """A value that is itself a catalog key, translated when the text is drawn."""

    __slots__ = ()


class Terms(tuple):
    """Several catalog keys, translated and drawn one per line (e.g. the reasons of a verdict)."""

    __slots__ = ()


class Say(Static):
    """A Static whose content is a catalog entry; ``relabel`` draws it again in the app's
    current language, so switching language at run time needs no screen rebuild."""

    def __init__(self, key: str = "", *, id: str | None = None, classes: str = "", **values: object) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.key, self.values = key, values

    def on_mount(self) -> None:
        self.relabel()

    def show(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        self.relabel()

    def clear(self) -> None:
        self.show("")

    def relabel(self) -> None:
        self.update(self.app.t(self.key, **self.values) if self.key else "")
        self.display = bool(self.key)
