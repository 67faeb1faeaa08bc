"""The four PINs of a My Number Card and the two commands every PIN file answers: the tries query
and VERIFY. Each applet session names its own PIN files; the rules of sending a PIN live here once.

Two promises hold for every caller:
- a VERIFY is sent only when this card session knows the tries left, they are above zero, and (on
  the last try) the caller confirmed; a VERIFY is never re-sent on the client's own initiative;
- a PIN the card says is verified in this session (90 00 to the tries query, or our own VERIFY)
  is not sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from readers.apdu import Command
from readers.connection import CardConnection
from readers.errors import (
    FileNotFound,
    LastTryNotConfirmed,
    PinBlocked,
    PinNotSet,
    PinTriesUnknown,
    WrongPin,
    error_for_status,
)
from readers.pin import Pin, PinKind, PinStatus


class PinFile(NamedTuple):
    """Where a PIN lives: the applications to try, in order, and the PIN's file."""

    kind: PinKind
    applications: tuple[bytes, ...]
    fid: int


async def select_pin(connection: CardConnection, pin: PinFile) -> None:
    for number, aid in enumerate(pin.applications, start=1):
        try:
            await connection.select_file(aid, pin.fid)
            return
        except FileNotFound:
            if number == len(pin.applications):
                raise


async def read_tries(connection: CardConnection, pin: PinFile) -> PinStatus:
    """Tries left, read without spending one (VERIFY with no data)."""
    await select_pin(connection, pin)
    response = await connection.send(Command(0x00, 0x20, 0x00, 0x80, name="VERIFY (tries query)"))
    status = _status_from(pin.kind, response.sw)
    if status is None:
        connection.forget()
        raise error_for_status(response.sw, f"the tries query of the {pin.kind.label}")
    connection.pin_memory[pin.kind] = status
    return status


def _status_from(kind: PinKind, sw: int) -> PinStatus | None:
    if sw & 0xFFF0 == 0x63C0:
        return PinStatus(sw & 0x0F, kind.max_tries)
    if sw in (0x6983, 0x6984):
        return PinStatus(0, kind.max_tries)
    if sw == 0x9000:  # some cards: "already verified in this session", no count
        return PinStatus(None, kind.max_tries, verified=True)
    if sw == 0x6A88:  # no reference data: the PIN was never set (face-authentication card)
        return PinStatus(None, kind.max_tries, not_set=True)
    return None


# Asked when a PIN is at its last try: True only when a person said yes for this card, now.
LastTryConfirmation = Callable[[PinKind], bool]


async def verify_pin(
    connection: CardConnection,
    pin_file: PinFile,
    pin: Pin,
    *,
    confirm_last_try: bool | LastTryConfirmation = False,
) -> None:
    """Check ``pin`` on the card. Raises WrongPin (with tries left), PinBlocked, PinNotSet,
    PinTriesUnknown or LastTryNotConfirmed; on a link failure, the tries must be read again.
    ``confirm_last_try`` is a person's answer already given, or the way to ask them (asked only
    when the card says one try is left)."""
    kind = pin_file.kind
    status = connection.pin_memory.pop(kind, None) or await read_tries(connection, pin_file)
    connection.pin_memory.pop(kind, None)  # a status is good for one VERIFY only
    if status.verified:
        connection.pin_memory[kind] = status  # the card holds it verified: nothing to send
        return
    if status.not_set:
        raise PinNotSet(f"this card has no {kind.label} set")
    if status.tries_left is None:
        raise PinTriesUnknown(f"the card did not say how many tries the {kind.label} has left")
    if status.blocked:
        raise PinBlocked(f"the {kind.label} is blocked")
    if status.last_try and not (confirm_last_try(kind) if callable(confirm_last_try) else confirm_last_try):
        raise LastTryNotConfirmed(f"the {kind.label} has one try left; confirm before using it")
    await select_pin(connection, pin_file)
    command = Command(0x00, 0x20, 0x00, 0x80, pin.encode(), name=f"VERIFY {kind.label}")
    response = await connection.send(command)
    if response.ok:
        connection.pin_memory[kind] = PinStatus(kind.max_tries, kind.max_tries, verified=True)
        return
    if response.sw & 0xFFF0 == 0x63C0 and response.sw != 0x63C0:
        raise WrongPin(response.sw & 0x0F, kind.label)
    if response.sw == 0x63C0:
        raise PinBlocked(f"the {kind.label} was wrong and that was its last try: it is now blocked")
    if response.sw in (0x6983, 0x6984):
        raise PinBlocked(f"the {kind.label} is blocked: the card did not compare it", compared=False)
    connection.forget()
    raise error_for_status(response.sw, f"VERIFY of the {kind.label}")


async def change_pin(
    connection: CardConnection,
    pin_file: PinFile,
    old: Pin,
    new: Pin,
    *,
    confirm_last_try: bool | LastTryConfirmation = False,
) -> None:
    """Verify ``old``, then set ``new`` (CHANGE REFERENCE DATA)."""
    await verify_pin(connection, pin_file, old, confirm_last_try=confirm_last_try)
    await connection.expect_ok(
        Command(0x00, 0x24, 0x01, 0x80, new.encode(), name=f"CHANGE {pin_file.kind.label}")
    )
