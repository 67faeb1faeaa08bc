"""Themes: Textual's default, a high-contrast theme of our own, and the terminal's ANSI colours.

Status never depends on colour (every state is written in words), so any theme, and NO_COLOR,
keeps the meaning; the high-contrast theme only makes it easier to read.
"""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = "textual-dark"
HIGH_CONTRAST_THEME = "jpki-high-contrast"

HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF8080",
    success="#80FF80",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "footer-background": "#000000",
        "input-selection-background": "#FFFF00 60%",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "border": "#FFFFFF",
        "border-blurred": "#FFFFFF",
    },
)

# What F3 walks through, in order.
THEME_CYCLE = (DEFAULT_THEME, HIGH_CONTRAST_THEME, "ansi-dark", "ansi-light")


def next_theme(current: str) -> str:
    index = THEME_CYCLE.index(current) if current in THEME_CYCLE else -1
    return THEME_CYCLE[(index + 1) % len(THEME_CYCLE)]
