"""The footer: every key the screen answers to, with its meaning in the current language.

Textual's Footer prints binding descriptions as they were written; ours are catalog keys, so
this bar translates them, and it redraws when the bindings or the language change.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.relabel()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.relabel()

    def entries(self) -> list[tuple[str, str]]:
        """(key as shown, what it does): the screen's keys, then the app's, in binding order.

        Read from the screen and the app rather than the focus chain: an OptionList or Input
        takes Enter for itself without showing it, yet on every screen Enter still goes forward.
        """
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for node in (self.screen, self.app):
            for _key, binding in node._bindings:
                if not binding.show or not binding.description or binding.action in seen:
                    continue
                if node.check_action(binding.action, ()) is False:
                    continue
                seen.add(binding.action)
                out.append((self.app.get_key_display(binding), self.app.t(binding.description)))
        return out

    def relabel(self) -> None:
        text = Text()
        for number, (key, meaning) in enumerate(self.entries()):
            if number:
                text.append("  ")
            text.append(key, style="reverse")
            text.append(" " + meaning)
        self.update(text)
