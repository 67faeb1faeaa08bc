"""Where the terminal cursor goes: on the focused control, for screen readers, braille displays
and screen magnifiers, which follow the cursor rather than colours.

The spot is worked out from the layout being drawn, each time a frame goes to the terminal: set
any later, the terminal would get it one frame late (one option behind the highlight).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList


def cursor_spot(screen: Screen) -> Offset | None:
    """The focused control's spot on ``screen``: the caret of an entry, the start of the
    highlighted option of a list, the top left of any other control; with nothing focused, the
    start of the screen's title (where reading starts). None when there is no such spot."""
    focused = screen.focused
    if isinstance(focused, Input):
        return _inside(focused, _caret(focused))
    if isinstance(focused, OptionList):
        return _inside(focused, Offset(0, _highlighted_line(focused)))
    if focused is not None:
        return _inside(focused, Offset(0, 0))
    titles = screen.query("#title")
    if titles:
        return _inside(titles.first(), Offset(0, 0))
    return None


def _caret(entry: Input) -> Offset:
    # The caret's own cell. Textual's cursor_screen_offset is one cell right of it at the end of
    # the text, so a braille display would show a blank after the last character.
    column = cell_len(entry.value[: entry.cursor_position]) if not entry.password else entry.cursor_position
    return Offset(column - round(entry.scroll_offset.x), 0)


def _highlighted_line(listing: OptionList) -> int:
    if listing.highlighted is None:
        return 0
    # An option may take several lines when its text wraps: the map says where each starts.
    lines: dict[int, int] = getattr(listing, "_index_to_line", {})
    line = lines.get(listing.highlighted, listing.highlighted)
    return line - round(listing.scroll_offset.y)


def highlight_region(listing: OptionList) -> Region | None:
    """Where the highlighted option's lines are on the screen (wherever the list is scrolled to,
    in sight or not); None with nothing highlighted or the list not laid out."""
    region: Region = listing.content_region
    if listing.highlighted is None or not region:
        return None
    lines: dict[int, int] = getattr(listing, "_index_to_line", {})
    start = lines.get(listing.highlighted, listing.highlighted)
    after = [line for line in lines.values() if line > start]
    height = (min(after) if after else listing.virtual_size.height) - start
    return Region(region.x, region.y + _highlighted_line(listing), region.width, max(1, height))


def _inside(widget: Widget, offset: Offset) -> Offset | None:
    region: Region = widget.content_region
    if not region:
        return None
    x = region.x + max(0, min(offset.x, region.width - 1))
    y = region.y + max(0, min(offset.y, region.height - 1))
    return Offset(x, y)
