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


def check_spec(spec: str) -> None:
    """Refuse ``spec`` now, before any screen, if it cannot work: an unknown kind, an unknown
    training profile, a recording that is missing or unusable. A hardware reader is only checked
    for its form; whether the device is there is known when a task starts."""
    if spec.partition(":")[0] not in ("pcsc", "nfc"):
        # In-process readers read their profile or recording when built; any other kind is
        # refused with the forms a specification takes.
        open_reader(spec)
