"""The trust ceremony: a real issuer's CA certificates, read from a card (or given as a file), shown
the way the issuer publishes them, and stored only after a person compared the fingerprints.

A My Number Card carries its issuers' CA certificates: the user-authentication CA in EF ``000B``
and the signing CA in EF ``0002``, both free to read. The issuer publishes their fingerprints so
that anyone can check a copy; the operator compares the SHA-256 (and SHA-1) shown here with the
published values and types the last 8 characters of the SHA-256 to accept it (``yes`` for a file,
whose fingerprints are shown the same way). No PIN is involved: nothing here spends a try.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.hashes import SHA1, SHA256
from cryptography.hazmat.primitives.serialization import Encoding

from readers.errors import FileNotFound, NotAMyNumberCard
from readers.jpki import CardKind, CertificateKind, JpkiSession, PinKind
from reset_flow.trust import grouped_hex, load_certificate
from reset_flow.trust_store import AnchorRefused, normalised_fingerprint

CONFIRMATION_LENGTH = 8
FILE_CONFIRMATION = "YES"
_CA_FILES = (
    (PinKind.AUTH, CertificateKind.AUTH_CA, "EF 000B"),
    (PinKind.SIGN, CertificateKind.SIGN_CA, "EF 0002"),
)


@dataclass(frozen=True)
class AnchorCandidate:
    """A CA certificate offered as a trust anchor. ``vouches``: whether the card's own certificate
    of the same purpose is signed by it (None when that certificate was not read: the signing
    certificate needs the signing PIN, and a file comes without a card)."""

    purpose: PinKind
    der: bytes
    source: str
    from_file: bool = False
    vouches: bool | None = None

    @cached_property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    @property
    def sha256(self) -> str:
        return grouped_hex(self.certificate.fingerprint(SHA256()))

    @property
    def sha1(self) -> str:
        return grouped_hex(self.certificate.fingerprint(SHA1()))

    @property
    def confirmation(self) -> str:
        """What the operator types to accept it: the SHA-256's last 8 characters (``YES`` for a file)."""
        if self.from_file:
            return FILE_CONFIRMATION
        return normalised_fingerprint(self.sha256)[-CONFIRMATION_LENGTH:]

    def confirmed_by(self, typed: str) -> bool:
        return bool(typed.strip()) and normalised_fingerprint(typed) == self.confirmation


async def candidates_on_card(card: JpkiSession, reader_name: str) -> list[AnchorCandidate]:
    """The CA certificates a My Number Card carries, read without any PIN."""
    info = await card.detect()
    if info.kind is not CardKind.MY_NUMBER_CARD:
        raise NotAMyNumberCard(f"this card is not a My Number Card (token {info.token!r})")
    own_auth = await card.read_certificate(CertificateKind.AUTH) if info.has_auth_certificate else None
    found = []
    for purpose, kind, place in _CA_FILES:
        try:
            der = await card.read_certificate(kind)
        except FileNotFound:
            continue  # e.g. no signing CA on a card without a signing certificate
        vouches = _issued_by(own_auth, der) if purpose is PinKind.AUTH and own_auth else None
        found.append(AnchorCandidate(purpose, der, f"card {place} on {reader_name}", vouches=vouches))
    return found


def candidate_from_file(path: Path, purpose: PinKind) -> AnchorCandidate:
    try:
        cert = load_certificate(path.read_bytes())
    except OSError as error:
        raise AnchorRefused("anchor-unreadable", f"cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise AnchorRefused("anchor-malformed", f"{path} is not an X.509 certificate (PEM or DER)") from None
    return AnchorCandidate(purpose, cert.public_bytes(Encoding.DER), f"file {path}", from_file=True)


def _issued_by(der: bytes, ca_der: bytes) -> bool:
    try:
        cert, ca = x509.load_der_x509_certificate(der), x509.load_der_x509_certificate(ca_der)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
