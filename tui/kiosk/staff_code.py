"""The staff code that ends kiosk mode: set when the kiosk starts, kept only as a salted hash.

Staff type it at the terminal when they start the kiosk (twice, not echoed), or keep it in a file
only its owner can read (``--staff-code-file``). The kiosk keeps a scrypt hash with a fresh salt,
never the code, and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
from pathlib import Path

from readers.errors import JpkiResetError

MIN_LENGTH = 6
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class StaffCodeError(JpkiResetError):
    """The staff code cannot be set (the kiosk does not start without one)."""

    code = "staff-code-invalid"


class StaffCode:
    def __init__(self, text: str) -> None:
        text = text.strip()
        if len(text) < MIN_LENGTH:
            raise StaffCodeError(f"the staff code needs at least {MIN_LENGTH} characters")
        self._salt = secrets.token_bytes(16)
        self._hash = self._derive(text)

    def _derive(self, text: str) -> bytes:
        return hashlib.scrypt(text.encode("utf-8"), salt=self._salt, **_SCRYPT)

    def matches(self, text: str) -> bool:
        return hmac.compare_digest(self._derive(text.strip()), self._hash)

    def __repr__(self) -> str:
        return "StaffCode('****')"


def read_staff_code_file(path: Path) -> StaffCode:
    """The code on the first line of ``path``, which nobody but its owner may read."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise StaffCodeError(f"cannot read the staff code file {path}: {error.__class__.__name__}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StaffCodeError(f"{path} can be read by others: chmod 600 {path}")
    return StaffCode(text[0] if text else "")


def ask_staff_code() -> StaffCode:
    """Ask at the terminal, twice, without echo."""
    import getpass

    if not sys.stdin.isatty():
        raise StaffCodeError("no terminal to ask the staff code: use --staff-code-file")
    first = getpass.getpass(f"Staff code to leave kiosk mode (at least {MIN_LENGTH} characters): ")
    code = StaffCode(first)
    if not code.matches(getpass.getpass("The same staff code again: ")):
        raise StaffCodeError("the two staff codes differ")
    return code
