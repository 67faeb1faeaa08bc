"""The JPKI application (公的個人認証AP): token, certificates, its two PINs, signatures.

``JpkiSession`` speaks only this applet, over a ``CardConnection`` it may share with the other
applet sessions of the same card. Every failure is one of the typed errors of ``readers.errors``;
the PIN rules (tries read first, the last try only when confirmed) are those of ``readers.pins``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from readers.apdu import Command
from readers.connection import CardConnection
from readers.errors import CardError, MalformedResponse, NotAMyNumberCard
from readers.jpki_applet import (
    AID_JPKI,
    DER_SEQUENCE,
    EF_AUTH_CA,
    EF_AUTH_CERT,
    EF_AUTH_KEY,
    EF_AUTH_PIN,
    EF_CERT_AVAILABILITY,
    EF_SIGN_CA,
    EF_SIGN_CERT,
    EF_SIGN_KEY,
    EF_SIGN_PIN,
    EF_TOKEN_INFO,
    SHA256_PREFIX,
    TOKEN_LABEL_LENGTH,
)
from readers.pin import Pin, PinKind, PinStatus
from readers.pins import LastTryConfirmation, PinFile, change_pin, read_tries, verify_pin
from readers.reader import Reader

__all__ = [
    "CardInfo",
    "CardKind",
    "CertificateKind",
    "JpkiSession",
    "PinKind",
    "PinStatus",
]

JPKI_PINS = {
    PinKind.AUTH: PinFile(PinKind.AUTH, (AID_JPKI,), EF_AUTH_PIN),
    PinKind.SIGN: PinFile(PinKind.SIGN, (AID_JPKI,), EF_SIGN_PIN),
}


def _jpki_pin(kind: PinKind) -> PinFile:
    if kind not in JPKI_PINS:
        raise ValueError(f"the {kind.label} is not a PIN of the JPKI application")
    return JPKI_PINS[kind]


_KEY_FILE = {PinKind.AUTH: EF_AUTH_KEY, PinKind.SIGN: EF_SIGN_KEY}


class CertificateKind(StrEnum):
    AUTH = "auth"
    AUTH_CA = "auth-ca"
    SIGN = "sign"
    SIGN_CA = "sign-ca"


_CERT_FILE = {
    CertificateKind.AUTH: EF_AUTH_CERT,
    CertificateKind.AUTH_CA: EF_AUTH_CA,
    CertificateKind.SIGN: EF_SIGN_CERT,
    CertificateKind.SIGN_CA: EF_SIGN_CA,
}


class CardKind(StrEnum):
    MY_NUMBER_CARD = "my-number-card"
    JUKI_CARD = "juki-card"  # old 住基カード
    PHONE_TOKEN = "phone-token"  # smartphone certificate
    UNKNOWN = "unknown"


_TOKENS = {
    "JPKIAPICCTOKEN2": CardKind.MY_NUMBER_CARD,
    "JPKIAPICCTOKEN": CardKind.JUKI_CARD,
    "JPKIAPGPSETOKEN": CardKind.PHONE_TOKEN,
}


class CardInfo(NamedTuple):
    """What kind of card answered, its token, and which JPKI certificates it holds."""

    kind: CardKind
    token: str
    has_auth_certificate: bool
    has_sign_certificate: bool


SIGNATURE_LENGTH = 256  # RSA-2048


class JpkiSession:
    """The JPKI application of the card on ``connection`` (connect the reader first)."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection

    @classmethod
    def on(cls, reader: Reader) -> JpkiSession:
        """The JPKI application through a new connection to ``reader`` (connected already)."""
        return cls(CardConnection(reader))

    async def detect(self) -> CardInfo:
        """Which card this is, by its JPKI application and token label (never by ATR). Any
        answer but success to the JPKI SELECT means "not a My Number Card"."""
        try:
            response = await self.connection.select_application(AID_JPKI, "SELECT JPKI AP")
        except CardError as error:  # a card answer the link turned into an error
            raise NotAMyNumberCard("this card has no JPKI application", error.sw) from None
        if not response.ok:
            raise NotAMyNumberCard("this card has no JPKI application", response.sw)
        label_bytes = await self.read_file(EF_TOKEN_INFO, TOKEN_LABEL_LENGTH)
        label = label_bytes[:TOKEN_LABEL_LENGTH].decode("ascii", "replace").strip(" \x00")
        availability = await self.read_file(EF_CERT_AVAILABILITY, 3)
        if len(availability) < 2:
            raise MalformedResponse("the certificate availability file is too short")
        return CardInfo(
            kind=_TOKENS.get(label, CardKind.UNKNOWN),
            token=label,
            has_sign_certificate=availability[0] != 0,
            has_auth_certificate=availability[1] != 0,
        )

    async def read_file(self, fid: int, length: int) -> bytes:
        """The first ``length`` (<= 256) bytes of a small file of the JPKI application."""
        return await self.connection.read_start(AID_JPKI, fid, length)

    # --- PINs ---------------------------------------------------------------------------------

    async def pin_status(self, kind: PinKind) -> PinStatus:
        """Tries left of the user-authentication or signing PIN, without spending one."""
        return await read_tries(self.connection, _jpki_pin(kind))

    async def verify(
        self, kind: PinKind, pin: Pin, *, confirm_last_try: bool | LastTryConfirmation = False
    ) -> None:
        """Check ``pin`` on the card (see ``readers.pins.verify_pin``)."""
        await verify_pin(self.connection, _jpki_pin(kind), pin, confirm_last_try=confirm_last_try)

    async def change_pin(
        self, kind: PinKind, old: Pin, new: Pin, *, confirm_last_try: bool | LastTryConfirmation = False
    ) -> None:
        """Verify ``old``, then set ``new`` (CHANGE REFERENCE DATA)."""
        await change_pin(self.connection, _jpki_pin(kind), old, new, confirm_last_try=confirm_last_try)

    # --- certificates and signatures ----------------------------------------------------------

    async def read_certificate(self, kind: CertificateKind) -> bytes:
        """The DER certificate, in as few READ BINARY commands as the link allows."""
        return await self.connection.read_object(AID_JPKI, _CERT_FILE[kind], DER_SEQUENCE)

    async def sign(self, key: PinKind, digest: bytes) -> bytes:
        """RSA PKCS#1 v1.5 signature of a SHA-256 ``digest`` with the auth or signing key.
        The matching PIN must have been verified in this session."""
        if key not in _KEY_FILE:
            raise ValueError("only the auth and signing keys sign")
        if len(digest) != 32:
            raise ValueError("a SHA-256 digest is 32 bytes")
        await self.connection.select_file(AID_JPKI, _KEY_FILE[key])
        command = Command(0x80, 0x2A, 0x00, 0x80, SHA256_PREFIX + digest, le=SIGNATURE_LENGTH, name="SIGN")
        signature = (await self.connection.expect_ok(command)).data
        if len(signature) != SIGNATURE_LENGTH:
            raise MalformedResponse(f"a signature of {len(signature)} bytes, not 256")
        return signature
