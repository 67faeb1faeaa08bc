"""The resident-registry application (住基AP): only its 4-digit PIN, for the card check.

Public sources name two AIDs for it; the PIN is looked for in the first, then the second.
"""

from __future__ import annotations

from readers.connection import CardConnection
from readers.jpki_applet import AID_JUKI, AID_JUKI_ALT, EF_JUKI_PIN
from readers.pin import PinKind, PinStatus
from readers.pins import PinFile, read_tries

RESIDENT_REGISTRY_PIN = PinFile(PinKind.JUKI, (AID_JUKI, AID_JUKI_ALT), EF_JUKI_PIN)


class ResidentRegistrySession:
    """The resident-registry application of the card on ``connection``."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection

    async def pin_status(self) -> PinStatus:
        return await read_tries(self.connection, RESIDENT_REGISTRY_PIN)
