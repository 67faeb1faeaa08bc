"""Trust anchors and the checks of a proof certificate: chain, validity, revocation, purpose.

Which anchors a terminal or a service trusts is decided where it is composed (``trust_setup``):
the training CAs only in training mode, otherwise a real issuer's CAs from the trust store. The
service checks a real card all the way, but holds no reset authority for it
(``IssuerAnchor.resettable`` is False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509.oid import ExtendedKeyUsageOID

from readers.jpki import PinKind
from reset_flow.certificate_validity import Revocation

# What cryptography raises for a certificate that does not decode, field by field (it decodes
# lazily): bad encodings, unknown key algorithms, versions, duplicate extensions, name forms.
UNDECODABLE = (
    ValueError,
    TypeError,
    UnsupportedAlgorithm,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
)


class CertificateRefused(Exception):
    """A proof certificate or signature failed a check. ``code`` is a stable service code;
    ``which`` says which certificate (auth or sign)."""

    def __init__(self, code: str, which: PinKind, message: str) -> None:
        self.code, self.which = code, which
        super().__init__(message)


@dataclass(frozen=True)
class IssuerAnchor:
    """A trusted issuer's CA certificate for one purpose, with its CRL and policy if it has them."""

    purpose: PinKind  # AUTH: user-authentication CA; SIGN: signing CA
    certificate: x509.Certificate
    crl: x509.CertificateRevocationList | None = None
    policy: x509.ObjectIdentifier | None = None  # a certificate policy leaves must carry
    resettable: bool = False  # the service holds the reset authority for this issuer's cards
    training: bool = False  # a training CA: its keys are public, so it is trusted in training mode only
    # The CRL's serial numbers, read once: a revocation check is then a set lookup.
    revoked_serials: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        serials = (
            frozenset(entry.serial_number for entry in self.crl) if self.crl is not None else frozenset()
        )
        object.__setattr__(self, "revoked_serials", serials)

    @property
    def sha256(self) -> bytes:
        return self.certificate.fingerprint(SHA256())


class _Examined(NamedTuple):
    """What holds for a certificate at any time: its chain, purpose and revocation were checked."""

    certificate: x509.Certificate
    anchor: IssuerAnchor
    not_before: datetime
    not_after: datetime


_EXAMINED_KEPT = 4096  # certificates whose chain check is remembered (a card comes back in step 2)


@dataclass(frozen=True)
class TrustAnchors:
    """The issuers a card's certificates are checked against; a checked certificate is remembered."""

    anchors: tuple[IssuerAnchor, ...]
    reset_master_key: bytes | None = None  # the training reset authority's key
    _examined: dict[tuple[bytes, PinKind], _Examined | CertificateRefused] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def training(self) -> bool:
        """Training mode: a training CA is trusted (every answer then says TRAINING)."""
        return any(anchor.training for anchor in self.anchors)

    @property
    def real_issuers(self) -> tuple[IssuerAnchor, ...]:
        """The anchors that are not training CAs (their presence forbids a training clock)."""
        return tuple(anchor for anchor in self.anchors if not anchor.training)

    def __add__(self, other: TrustAnchors) -> TrustAnchors:
        return TrustAnchors(self.anchors + other.anchors, self.reset_master_key or other.reset_master_key)

    def check(self, der: bytes, purpose: PinKind, now: datetime) -> tuple[x509.Certificate, IssuerAnchor]:
        """The certificate, if it chains to an anchor for ``purpose``, is valid at ``now``, is not
        revoked and is made for ``purpose``; else ``CertificateRefused``."""
        key = (der, purpose)
        examined = self._examined.get(key)
        if examined is None:
            examined = self._examine(der, purpose)
            if len(self._examined) >= _EXAMINED_KEPT:
                self._examined.clear()
            self._examined[key] = examined
        if isinstance(examined, CertificateRefused):
            raise CertificateRefused(examined.code, purpose, str(examined))
        anchor = examined.anchor
        if now < examined.not_before or now < anchor.certificate.not_valid_before_utc:
            raise CertificateRefused("certificate-not-yet-valid", purpose, "not yet valid")
        if now > examined.not_after or now > anchor.certificate.not_valid_after_utc:
            raise CertificateRefused("certificate-expired", purpose, "expired")
        return examined.certificate, anchor

    def _examine(self, der: bytes, purpose: PinKind) -> _Examined | CertificateRefused:
        """The checks that do not depend on the time, once per certificate."""
        try:
            cert = x509.load_der_x509_certificate(der)
            # cryptography decodes fields on first use: touch every one a check reads, so a
            # certificate that does not decode is refused here, not halfway through a check.
            fields = (cert.issuer, cert.subject, cert.extensions, cert.public_key(), cert.serial_number)
            not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
        except UNDECODABLE:
            return CertificateRefused("certificate-malformed", purpose, "the certificate does not decode")
        del fields
        try:
            anchor = self._issuer_of(cert, purpose)
        except CertificateRefused as refused:
            return refused
        if cert.serial_number in anchor.revoked_serials:
            return CertificateRefused("certificate-revoked", purpose, "revoked by its issuer")
        if not _made_for(cert, purpose, anchor.policy):
            return CertificateRefused(
                "certificate-wrong-purpose", purpose, f"not a {purpose.value} certificate"
            )
        if not isinstance(cert.public_key(), rsa.RSAPublicKey):
            return CertificateRefused("certificate-wrong-purpose", purpose, "not an RSA key")
        return _Examined(cert, anchor, not_before, not_after)

    def _issuer_of(self, cert: x509.Certificate, purpose: PinKind) -> IssuerAnchor:
        anchor = _issuing_anchor(self.anchors, cert, purpose)
        if anchor is None:
            raise CertificateRefused("certificate-untrusted", purpose, "not issued by a trusted CA")
        return anchor

    def trusts_issuer_of(self, der: bytes) -> bool:
        """Whether a user-authentication certificate was issued by a trusted authentication CA
        (the card check asks, so that step 1 stops before a PIN when the service would refuse)."""
        try:
            cert = x509.load_der_x509_certificate(der)
            return _issuing_anchor(self.anchors, cert, PinKind.AUTH) is not None
        except UNDECODABLE:
            return False

    def revocation_of(self, der: bytes) -> Revocation:
        """Whether a certificate (either purpose) is on its issuer's revocation list, if we hold one."""
        try:
            cert = x509.load_der_x509_certificate(der)
            issuer, serial = cert.issuer, cert.serial_number
            cert.extensions  # noqa: B018  (decoded on first use: the service reads them too)
        except UNDECODABLE:
            return Revocation.MALFORMED
        for anchor in self.anchors:
            if anchor.certificate.subject == issuer and anchor.crl is not None:
                return Revocation.REVOKED if serial in anchor.revoked_serials else Revocation.GOOD
        if any(anchor.certificate.subject == issuer for anchor in self.anchors):
            return Revocation.NO_CRL
        return Revocation.UNKNOWN


def _issuing_anchor(
    anchors: tuple[IssuerAnchor, ...], cert: x509.Certificate, purpose: PinKind
) -> IssuerAnchor | None:
    for anchor in anchors:
        if anchor.purpose is not purpose or anchor.certificate.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(anchor.certificate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return anchor
    return None


def verify_signature(cert: x509.Certificate, digest: bytes, signature: bytes, which: PinKind) -> None:
    """The card's PKCS#1 v1.5 signature over a SHA-256 ``digest``."""
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(SHA256()))
    except InvalidSignature:
        raise CertificateRefused("signature-invalid", which, "the signature does not verify") from None


def _made_for(cert: x509.Certificate, purpose: PinKind, policy: x509.ObjectIdentifier | None) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    if purpose is PinKind.AUTH:
        if not usage.digital_signature:
            return False
        try:
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            eku = None
        if eku is not None and ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
            return False
    elif not usage.content_commitment:
        return False
    if policy is None:
        return True
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return False
    return any(info.policy_identifier == policy for info in policies)


def grouped_hex(data: bytes) -> str:
    """Upper-case hex in groups of four, as issuers publish their CA fingerprints: ``7598 BFD9 ...``."""
    text = data.hex().upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes (ValueError when it is neither)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def issuer_anchor_from_file(purpose: PinKind, path: Path) -> IssuerAnchor:
    """A real issuer's CA certificate (PEM or DER) as an anchor, without reset authority."""
    return IssuerAnchor(purpose, load_certificate(path.read_bytes()))
