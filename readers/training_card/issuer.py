"""The training issuer's card commands: what the terminal sends a training card to reset a PIN
(the project's own protocol, see ``reset_protocol``). A real card's reset needs the issuer's keys;
no command here is ever sent unless the reservation service gave a cryptogram for the card.
"""

from __future__ import annotations

from readers.apdu import Command
from readers.connection import CardConnection
from readers.errors import MalformedResponse, ReferenceDataNotFound
from readers.jpki_applet import AID_JPKI
from readers.pin import Pin, PinKind
from readers.training_card.reset_protocol import CHALLENGE_LENGTH, PIN_FILES


class TrainingIssuer:
    """The reset commands, on the card of ``connection``. Satisfies reset_flow's
    ``IssuerCommands``: ``challenge`` selects the PIN and returns the card's challenge, ``reset``
    presents the authority's cryptogram and sets the new PIN with the full tries."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection

    async def challenge(self, pin: PinKind) -> bytes:
        await self.connection.select_file(AID_JPKI, PIN_FILES[pin])
        command = Command(0x00, 0x84, 0x00, 0x00, le=CHALLENGE_LENGTH, name="GET CHALLENGE")
        challenge = (await self.connection.expect_ok(command)).data
        if len(challenge) != CHALLENGE_LENGTH:
            raise MalformedResponse("a card challenge is 8 bytes")
        return challenge

    async def reset(self, pin: PinKind, cryptogram: bytes, new: Pin) -> None:
        """EXTERNAL AUTHENTICATE, then RESET RETRY COUNTER, on the PIN ``challenge`` selected."""
        if (self.connection.application, self.connection.file) != (AID_JPKI, PIN_FILES[pin]):
            raise ReferenceDataNotFound("ask the card's challenge for this PIN first")
        await self.connection.expect_ok(
            Command(0x00, 0x82, 0x00, 0x00, cryptogram, name="EXTERNAL AUTHENTICATE")
        )
        await self.connection.expect_ok(
            Command(0x00, 0x2C, 0x02, 0x80, new.encode(), name="RESET RETRY COUNTER")
        )
        self.connection.pin_memory.pop(pin, None)
