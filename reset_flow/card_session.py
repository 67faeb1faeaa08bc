"""One resident's card on one reader, across removals: the card check, the card's identity, and
the promise that a card put back is the same card."""

from __future__ import annotations

from readers.card_check import CardReport, check_card
from readers.card_identity import card_identity
from readers.connection import CardConnection
from readers.jpki import CertificateKind, JpkiSession
from readers.reader import Reader


class CardSession:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.connection: CardConnection | None = None
        self.card: JpkiSession | None = None
        self.report: CardReport | None = None
        self.identity: bytes | None = None  # from the authentication certificate (free to read)
        self.auth_certificate: bytes | None = None

    def _connect(self) -> JpkiSession:
        self.connection = CardConnection(self.reader)
        self.card = JpkiSession(self.connection)
        return self.card

    async def open(self) -> CardReport:
        """Connect and check the card: kind, all tries, the authentication certificate."""
        await self.reader.disconnect()  # a fresh session, also when opened again after a removal
        await self.reader.connect()
        self._connect()
        assert self.connection is not None
        self.report = await check_card(self.connection)
        der = self.report.certificates[CertificateKind.AUTH].der
        self.auth_certificate = der
        self.identity = card_identity(der) if der else None
        return self.report

    async def reopen(self) -> bool:
        """After a removal: connect again; True when it is the same card as before."""
        await self.reader.disconnect()
        await self.reader.connect()
        card = self._connect()
        await card.detect()
        der = await card.read_certificate(CertificateKind.AUTH)
        return self.identity is not None and card_identity(der) == self.identity

    def require_card(self) -> JpkiSession:
        if self.card is None:
            raise RuntimeError("the card session is not open")
        return self.card

    def require_connection(self) -> CardConnection:
        if self.connection is None:
            raise RuntimeError("the card session is not open")
        return self.connection

    async def close(self) -> None:
        await self.reader.disconnect()
