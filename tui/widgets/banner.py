"""Banners at the top: DEMO (with what the narrator says) and the training clock."""

from __future__ import annotations

from tui.widgets.say import Say


class Banner(Say):
    """A one-line notice in reverse video, hidden while it has nothing to say."""
