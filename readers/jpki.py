"""The JPKI card client: speaks the applet of docs/protocol.md over any ``Reader``.

Two promises hold for every caller:
- a VERIFY is sent only when this session knows the tries left, they are above zero, and (on the
  last try) the caller confirmed; a VERIFY is never re-sent on the client's own initiative;
- every failure is one of the typed errors of ``readers.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from readers.apdu import EXTENDED_MAX, SHORT_MAX, Command, Response
from readers.errors import (
    ExtendedLengthUnsupported,
    FileNotFound,
    LastTryNotConfirmed,
    MalformedResponse,
    NotAMyNumberCard,
    PinBlocked,
    PinNotSet,
    PinTriesUnknown,
    ReaderError,
    ReferenceDataNotFound,
    WrongPin,
    error_for_status,
)
from readers.jpki_applet import (
    AID_JPKI,
    AID_JUKI,
    AID_JUKI_ALT,
    AID_KENMEN,
    EF_AUTH_CA,
    EF_AUTH_CERT,
    EF_AUTH_KEY,
    EF_AUTH_PIN,
    EF_CERT_AVAILABILITY,
    EF_JUKI_PIN,
    EF_KENMEN_PIN,
    EF_SIGN_CA,
    EF_SIGN_CERT,
    EF_SIGN_KEY,
    EF_SIGN_PIN,
    EF_TOKEN_INFO,
    SHA256_PREFIX,
    TOKEN_LABEL_LENGTH,
)
from readers.pin import Pin
from readers.reader import Channel, Reader


class PinKind(StrEnum):
    AUTH = "auth"  # 利用者証明用電子証明書の暗証番号: 4 digits, 3 tries
    SIGN = "sign"  # 署名用電子証明書のパスワード: 6-16 of A-Z 0-9, 5 tries
    JUKI = "juki"  # 住民基本台帳用: 4 digits, 3 tries (window only)
    KENMEN = "kenmen"  # 券面事項入力補助用: 4 digits, 3 tries (window only)

    @property
    def max_tries(self) -> int:
        return 5 if self is PinKind.SIGN else 3

    @property
    def label(self) -> str:
        return _PIN_LABELS[self]


_PIN_LABELS = {
    PinKind.AUTH: "user-authentication PIN",
    PinKind.SIGN: "signing PIN",
    PinKind.JUKI: "resident-registry PIN",
    PinKind.KENMEN: "card-info input PIN",
}
# Where each PIN lives: the applications to try, in order, and the PIN file.
_PIN_HOME: dict[PinKind, tuple[tuple[bytes, ...], int]] = {
    PinKind.AUTH: ((AID_JPKI,), EF_AUTH_PIN),
    PinKind.SIGN: ((AID_JPKI,), EF_SIGN_PIN),
    PinKind.JUKI: ((AID_JUKI, AID_JUKI_ALT), EF_JUKI_PIN),
    PinKind.KENMEN: ((AID_KENMEN,), EF_KENMEN_PIN),
}
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


@dataclass(frozen=True, slots=True)
class CardInfo:
    kind: CardKind
    token: str
    has_auth_certificate: bool
    has_sign_certificate: bool


@dataclass(frozen=True, slots=True)
class PinStatus:
    """What the card says of a PIN. ``tries_left`` is None when the card gave no count."""

    tries_left: int | None
    max_tries: int
    verified: bool = False
    not_set: bool = False

    @property
    def blocked(self) -> bool:
        return self.tries_left == 0

    @property
    def last_try(self) -> bool:
        return self.tries_left == 1


SIGNATURE_LENGTH = 256  # RSA-2048


class JpkiCard:
    """A card session through one reader. Connect the reader first."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.channel = Channel(reader)
        self._ap: bytes | None = None
        self._ef: int | None = None
        # Tries read in this session and not yet spent on a VERIFY (saves a round trip).
        self._fresh: dict[PinKind, PinStatus] = {}
        self._extended = reader.info.extended_length

    # --- plumbing -----------------------------------------------------------------------------

    async def _send(self, command: Command) -> Response:
        try:
            return await self.channel.send(command)
        except ReaderError:
            self._forget()
            raise

    def _forget(self) -> None:
        """After a failure the card's state is unknown: select again, read tries again."""
        self._ap = self._ef = None
        self._fresh.clear()

    async def _expect_ok(self, command: Command) -> Response:
        response = await self._send(command)
        if not response.ok:
            raise error_for_status(response.sw, command.name or "a command")
        return response

    async def select_application(self, aid: bytes) -> None:
        if self._ap == aid:
            return
        self._forget()  # a new application starts with nothing verified
        await self._expect_ok(Command(0x00, 0xA4, 0x04, 0x0C, aid, name="SELECT application"))
        self._ap = aid

    async def _select_file(self, aid: bytes, fid: int) -> None:
        await self.select_application(aid)
        if self._ef == fid:
            return
        self._ef = None
        command = Command(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big"), name=f"SELECT EF {fid:04X}")
        await self._expect_ok(command)
        self._ef = fid

    async def _read(self, offset: int, le: int) -> Response:
        if not 0 <= offset <= 0x7FFF:
            raise MalformedResponse("the file is longer than READ BINARY can address")
        command = Command(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le, name="READ BINARY")
        return await self._send(command)

    # --- detection ----------------------------------------------------------------------------

    async def detect(self) -> CardInfo:
        """Which card this is, by its JPKI application and token label (never by ATR)."""
        try:
            await self.select_application(AID_JPKI)
        except FileNotFound:
            raise NotAMyNumberCard("this card has no JPKI application") from None
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
        """Read the first ``length`` (<= 256) bytes of a small file of the JPKI application."""
        await self._select_file(AID_JPKI, fid)
        response = await self._read(0, length)
        if not response.ok:
            raise error_for_status(response.sw, f"READ BINARY of EF {fid:04X}")
        return response.data

    # --- PINs ---------------------------------------------------------------------------------

    async def pin_status(self, kind: PinKind) -> PinStatus:
        """Tries left, read without spending one (VERIFY with no data)."""
        await self._select_pin(kind)
        response = await self._send(Command(0x00, 0x20, 0x00, 0x80, name="VERIFY (tries query)"))
        status = self._status_from(kind, response.sw)
        if status is None:
            self._forget()
            raise error_for_status(response.sw, f"the tries query of the {kind.label}")
        self._fresh[kind] = status
        return status

    def _status_from(self, kind: PinKind, sw: int) -> PinStatus | None:
        if sw & 0xFFF0 == 0x63C0:
            return PinStatus(sw & 0x0F, kind.max_tries)
        if sw in (0x6983, 0x6984):
            return PinStatus(0, kind.max_tries)
        if sw == 0x9000:  # some cards: "already verified in this session", no count
            return PinStatus(None, kind.max_tries, verified=True)
        if sw == 0x6A88:  # no reference data: the PIN was never set (face-authentication card)
            return PinStatus(None, kind.max_tries, not_set=True)
        return None

    async def _select_pin(self, kind: PinKind) -> None:
        aids, fid = _PIN_HOME[kind]
        for number, aid in enumerate(aids, start=1):
            try:
                await self._select_file(aid, fid)
                return
            except FileNotFound:
                if number == len(aids):
                    raise

    async def verify(self, kind: PinKind, pin: Pin, *, confirm_last_try: bool = False) -> None:
        """Check ``pin`` on the card. Raises WrongPin (with tries left), PinBlocked, PinNotSet,
        PinTriesUnknown or LastTryNotConfirmed; on a link failure, the tries must be read again."""
        status = self._fresh.pop(kind, None) or await self.pin_status(kind)
        self._fresh.pop(kind, None)  # a status is good for one VERIFY only
        if status.not_set:
            raise PinNotSet(f"this card has no {kind.label} set")
        if status.tries_left is None:
            raise PinTriesUnknown(f"the card did not say how many tries the {kind.label} has left")
        if status.blocked:
            raise PinBlocked(f"the {kind.label} is blocked")
        if status.last_try and not confirm_last_try:
            raise LastTryNotConfirmed(f"the {kind.label} has one try left; confirm before using it")
        await self._select_pin(kind)
        command = Command(0x00, 0x20, 0x00, 0x80, pin.encode(), name=f"VERIFY {kind.label}")
        response = await self._send(command)
        if response.ok:
            self._fresh[kind] = PinStatus(kind.max_tries, kind.max_tries, verified=True)
            return
        if response.sw & 0xFFF0 == 0x63C0 and response.sw != 0x63C0:
            raise WrongPin(response.sw & 0x0F, kind.label)
        if response.sw in (0x63C0, 0x6983, 0x6984):
            raise PinBlocked(f"the {kind.label} was wrong and is now blocked")
        self._forget()
        raise error_for_status(response.sw, f"VERIFY of the {kind.label}")

    async def change_pin(self, kind: PinKind, old: Pin, new: Pin, *, confirm_last_try: bool = False) -> None:
        """Verify ``old``, then set ``new`` (CHANGE REFERENCE DATA)."""
        await self.verify(kind, old, confirm_last_try=confirm_last_try)
        command = Command(0x00, 0x24, 0x01, 0x80, new.encode(), name=f"CHANGE {kind.label}")
        await self._expect_ok(command)

    # --- certificates and signatures ------------------------------------------------------------

    async def read_certificate(self, kind: CertificateKind) -> bytes:
        """The DER certificate, in as few READ BINARY commands as the link allows."""
        await self._select_file(AID_JPKI, _CERT_FILE[kind])
        first = await self._read_chunk(0)
        total = _der_length(first)
        data = bytearray(first)
        while len(data) < total:
            chunk = await self._read_chunk(len(data), total - len(data))
            if not chunk:
                raise MalformedResponse("the card returned an empty chunk of a certificate")
            data += chunk
        return bytes(data[:total])

    async def _read_chunk(self, offset: int, wanted: int | None = None) -> bytes:
        if self._extended and (wanted is None or wanted > SHORT_MAX):
            le = EXTENDED_MAX if wanted is None else min(wanted, EXTENDED_MAX)
            try:
                response = await self._read(offset, le)
            except ExtendedLengthUnsupported:
                response = None
            if response is not None and response.sw != 0x6700:
                return _chunk_data(response)
            self._extended = False  # the link or card refused: short reads from now on
        le = SHORT_MAX if wanted is None else min(wanted, SHORT_MAX)
        return _chunk_data(await self._read(offset, le))

    async def sign(self, key: PinKind, digest: bytes) -> bytes:
        """RSA PKCS#1 v1.5 signature of a SHA-256 ``digest`` with the auth or signing key.
        The matching PIN must have been verified in this session."""
        if key not in _KEY_FILE:
            raise ValueError("only the auth and signing keys sign")
        if len(digest) != 32:
            raise ValueError("a SHA-256 digest is 32 bytes")
        await self._select_file(AID_JPKI, _KEY_FILE[key])
        command = Command(0x80, 0x2A, 0x00, 0x80, SHA256_PREFIX + digest, le=SIGNATURE_LENGTH, name="SIGN")
        signature = (await self._expect_ok(command)).data
        if len(signature) != SIGNATURE_LENGTH:
            raise MalformedResponse(f"a signature of {len(signature)} bytes, not 256")
        return signature

    # --- the training card's reset (docs/training-cards.md) -----------------------------------

    async def get_challenge(self) -> bytes:
        command = Command(0x00, 0x84, 0x00, 0x00, le=8, name="GET CHALLENGE")
        challenge = (await self._expect_ok(command)).data
        if len(challenge) != 8:
            raise MalformedResponse("a card challenge is 8 bytes")
        return challenge

    async def begin_reset(self, kind: PinKind) -> bytes:
        """Select the PIN to reset and return the card's fresh challenge."""
        await self._select_pin(kind)
        return await self.get_challenge()

    async def external_authenticate(self, kind: PinKind, cryptogram: bytes) -> None:
        """Present the reset authority's cryptogram for the PIN chosen by ``begin_reset``."""
        if self._ef != _PIN_HOME[kind][1]:
            raise ReferenceDataNotFound("call begin_reset for this PIN first")
        command = Command(0x00, 0x82, 0x00, 0x00, cryptogram, name="EXTERNAL AUTHENTICATE")
        await self._expect_ok(command)

    async def reset_retry_counter(self, kind: PinKind, new: Pin) -> None:
        """Set ``new`` and restore the full tries (needs ``external_authenticate`` first)."""
        if self._ef != _PIN_HOME[kind][1]:
            raise ReferenceDataNotFound("call begin_reset for this PIN first")
        command = Command(0x00, 0x2C, 0x02, 0x80, new.encode(), name="RESET RETRY COUNTER")
        await self._expect_ok(command)
        self._fresh.pop(kind, None)


def _chunk_data(response: Response) -> bytes:
    if not response.ok:
        raise error_for_status(response.sw, "READ BINARY of a certificate")
    return response.data


def _der_length(head: bytes) -> int:
    """The total length of a DER SEQUENCE from its first bytes."""
    if len(head) < 2 or head[0] != 0x30:
        raise MalformedResponse("the certificate file does not start with a DER SEQUENCE")
    first = head[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 2 or len(head) < 2 + count:
        raise MalformedResponse("the certificate's DER length is not one a card holds")
    length = int.from_bytes(head[2 : 2 + count], "big")
    return 2 + count + length
