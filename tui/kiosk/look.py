"""The kiosk's colours: Textual's default, the high-contrast theme, and large text.

A terminal cannot draw bigger letters than its font: the terminal's font size is set where the
kiosk's terminal is set up (docs/tui.md). The large-text theme does what the app can: the high-
contrast colours, every word in bold, air between the lines, and PIN entries in a frame. Textual
puts ``-theme-jpki-large-text`` on the app, and ``kiosk.tcss`` keys the layout on that class.
"""

from __future__ import annotations

import dataclasses

from tui.themes import DEFAULT_THEME, HIGH_CONTRAST, HIGH_CONTRAST_THEME

LARGE_TEXT_THEME = "jpki-large-text"
LARGE_TEXT = dataclasses.replace(HIGH_CONTRAST, name=LARGE_TEXT_THEME)

KIOSK_THEMES = (DEFAULT_THEME, HIGH_CONTRAST_THEME, LARGE_TEXT_THEME)


def next_kiosk_theme(current: str) -> str:
    index = KIOSK_THEMES.index(current) if current in KIOSK_THEMES else -1
    return KIOSK_THEMES[(index + 1) % len(KIOSK_THEMES)]
