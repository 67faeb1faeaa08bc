"""The footer: every key the screen answers to, with its meaning in the current language.

Textual's Footer prints binding descriptions as they were written; ours are catalog keys, so
this bar translates them. It is drawn from the bindings each time it renders, so a change of
bindings, language or width only needs a refresh.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = "KeyBar { height: auto; }"

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.relabel()

    _drawn: tuple[list[tuple[str, str]], int] | None = None  # the last render's entries and width

    def relabel(self) -> None:
        # The bindings are refreshed often (focus, resize, the body's size) and mostly stay what
        # they were: a relayout only when the bar needs another number of lines, a repaint only
        # when its words changed, spares the frames that would follow each (a start settles in
        # fewer of them).
        entries, width = self.entries(), self.content_region.width
        lines = self._keys(entries, width).plain.count("\n") + 1
        if not width or lines != self.content_region.height:
            self.refresh(layout=True)
        elif (entries, width) != self._drawn:
            self.refresh()

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
                words = getattr(node, "key_words", None)  # what the key does in the screen's state
                meaning = words(binding.action, binding.description) if words else binding.description
                out.append((self.app.get_key_display(binding), self.app.t(meaning)))
        # Quitting is the last thing anyone looks for: keep it at the end.
        return sorted(out, key=lambda entry: entry[0] == "Ctrl+Q")

    def render(self) -> Text:
        entries, width = self.entries(), self.content_region.width
        self._drawn = (entries, width)
        return self._keys(entries, width or self.app.size.width - 2)  # no width before a layout

    def _keys(self, entries: list[tuple[str, str]], width: int) -> Text:
        """The keys line by line, never splitting a key from its meaning."""
        text, used = Text(), 0
        for key, meaning in entries:
            size = cell_len(key) + 1 + cell_len(meaning)
            if used and used + 2 + size > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("  ")
                used += 2
            text.append(key, style="reverse")
            text.append(" " + meaning)
            used += size
        return text
