"""The error note: what went wrong, in words, and what to do, on the screen where it happened."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from tui.errors import Explanation
from tui.widgets.say import Say


class ErrorNote(VerticalScroll, can_focus=False):
    """Hidden until ``explain``; then a heading that starts with the word for the problem (not a
    colour), the explanation, and the next action. A long one (the window's what-to-bring) scrolls
    with PgUp/PgDn rather than running off a small terminal."""

    def compose(self) -> ComposeResult:
        yield Say(id="error-title", classes="error-title")
        yield Say(id="error-text")
        yield Say(id="error-action", classes="error-action")

    def on_mount(self) -> None:
        self.display = False

    def explain(self, explanation: Explanation) -> None:
        self.query_one("#error-title", Say).show(explanation.title, **explanation.values)
        self.query_one("#error-text", Say).show(explanation.text, **explanation.values)
        self.query_one("#error-action", Say).show(explanation.action, **explanation.values)
        self.display = True

    def clear(self) -> None:
        for say in self.query(Say):
            say.clear()
        self.display = False

    @property
    def shown(self) -> bool:
        return bool(self.display)
