"""PINs asked at the terminal, never taken from the command line."""

from __future__ import annotations

import sys

from readers.pin import Pin


def ask_pin(prompt: str) -> Pin:
    """Read a PIN without echo (from a pipe when there is no terminal)."""
    import getpass

    text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()
    return Pin(text.upper())
