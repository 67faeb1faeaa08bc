"""What an issuer's PIN reset needs, as interfaces: the flows and the service meet the training
issuer (``readers.training_card``) only through these, given to them by whoever builds them.

On a real card the final command needs keys only the issuer (J-LIS) holds: the terminal then has
no ``IssuerCommands`` for the card and the service no ``ResetAuthority`` for its issuer, and step 2
stops, saying so, before that command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from readers.connection import CardConnection
from readers.pin import Pin, PinKind


class IssuerCommands(Protocol):
    """The terminal's half: the commands an issuer's reset sends to the card."""

    async def challenge(self, pin: PinKind) -> bytes:
        """Select ``pin`` for the reset and return the card's fresh challenge."""
        ...

    async def reset(self, pin: PinKind, cryptogram: bytes, new: Pin) -> None:
        """Present the authority's cryptogram, then set ``new`` with the full tries."""
        ...


# How a flow gets the issuer's commands for the card session it holds.
IssuerCommandsFor = Callable[[CardConnection], IssuerCommands]


class ResetAuthority(Protocol):
    """The service's half: the issuer's answer to a card's challenge."""

    def cryptogram(self, card_identity: bytes, card_challenge: bytes, pin: PinKind) -> bytes:
        """What the card must be shown to reset ``pin``."""
        ...
