"""Reader specifications: ``training:PROFILE``, ``replay:PATH``, ``pcsc[:NAME]``, ``nfc[:PATH]``."""

from __future__ import annotations

from readers.errors import ReaderSpecInvalid
from readers.reader import Reader

DEFAULT_SPEC = "training:adult"


def open_reader(spec: str = DEFAULT_SPEC) -> Reader:
    """The reader a specification names (not yet connected)."""
    kind, _, rest = spec.partition(":")
    if kind == "training":
        from readers.emulated import EmulatedReader

        return EmulatedReader(rest or "adult")
    if kind == "replay":
        if not rest:
            raise ReaderSpecInvalid("replay needs a path: replay:PATH")
        from readers.replay import ReplayReader

        return ReplayReader(rest)
    if kind == "pcsc":
        from readers.pcsc import PcscReader  # type: ignore[import-not-found]

        return PcscReader(rest or None)
    if kind == "nfc":
        from readers.nfc import NfcReader  # type: ignore[import-not-found]

        return NfcReader(rest or "usb")
    raise ReaderSpecInvalid(
        f"unknown reader {spec!r}: use training:PROFILE, replay:PATH, pcsc[:NAME] or nfc[:PATH]"
    )
