"""One resident's card on one reader, across removals: the card check, the card's identity, and
the promise that a card put back is the same card."""

from __future__ import annotations

from readers.card_check import CardReport, check_card
from readers.jpki import CertificateKind, JpkiCard
from readers.reader import Reader
from readers.training_card.reset_protocol import card_identity


class CardSession:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.card: JpkiCard | None = None
        self.report: CardReport | None = None
        self.identity: bytes | None = None  # from the authentication certificate (free to read)
        self.auth_certificate: bytes | None = None

    async def open(self) -> CardReport:
        """Connect and check the card: kind, all tries, the authentication certificate."""
        await self.reader.disconnect()  # a fresh session, also when opened again after a removal
        await self.reader.connect()
        self.card = JpkiCard(self.reader)
        self.report = await check_card(self.card)
        der = self.report.certificates[CertificateKind.AUTH].der
        self.auth_certificate = der
        self.identity = card_identity(der) if der else None
        return self.report

    async def reopen(self) -> bool:
        """After a removal: connect again; True when it is the same card as before."""
        await self.reader.disconnect()
        await self.reader.connect()
        self.card = JpkiCard(self.reader)
        await self.card.detect()
        der = await self.card.read_certificate(CertificateKind.AUTH)
        return self.identity is not None and card_identity(der) == self.identity

    def require_card(self) -> JpkiCard:
        if self.card is None:
            raise RuntimeError("the card session is not open")
        return self.card

    async def close(self) -> None:
        await self.reader.disconnect()
