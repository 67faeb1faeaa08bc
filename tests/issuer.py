"""A card issuer made by the tests with ``cryptography``: not the training CA, so it plays a real
issuer (J-LIS) whose CA certificates an operator must trust before its cards are served, and whose
reset authority the project does not hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from readers.emulated import EmulatedReader
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import IssuedCard
from readers.training_card.pki_generate import ca_certificate

DER = serialization.Encoding.DER
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2034, 12, 31, tzinfo=UTC)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Issuer (made by the tests)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca(common_name: str, key: rsa.RSAPrivateKey) -> x509.Certificate:
    return ca_certificate(_name(common_name), key, START, END)


def _leaf(
    holder: str, key: rsa.RSAPrivateKey, ca: x509.Certificate, ca_key: rsa.RSAPrivateKey, *, signing: bool
) -> x509.Certificate:
    usage = x509.KeyUsage(not signing, signing, False, False, False, False, False, False, False)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(holder))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(END - timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    if not signing:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256())


@dataclass(frozen=True)
class MadeIssuer:
    auth_ca: x509.Certificate
    auth_ca_key: rsa.RSAPrivateKey
    sign_ca: x509.Certificate
    sign_ca_key: rsa.RSAPrivateKey
    card: IssuedCard

    def published_sha256(self, ca: x509.Certificate) -> str:
        """What the issuer publishes for people to compare: upper-case hex."""
        return ca.fingerprint(hashes.SHA256()).hex().upper()

    def crl(
        self, revoked: tuple[x509.Certificate, ...] = (), *, signer: rsa.RSAPrivateKey | None = None
    ) -> bytes:
        """The authentication CA's CRL (DER), listing ``revoked``."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.auth_ca.subject)
            .last_update(START)
            .next_update(END)
        )
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(START)
                .build()
            )
        return builder.sign(signer or self.auth_ca_key, hashes.SHA256()).public_bytes(DER)

    def reader(self, profile: str = "adult") -> EmulatedReader:
        """A reader with a fresh card of this issuer on it (the PINs of ``profile``)."""
        return EmulatedReader(TrainingCard(profile, issued=self.card))


@cache
def made_issuer() -> MadeIssuer:
    """One issuer for the whole run (RSA key generation is the slow part)."""
    auth_ca_key, sign_ca_key, auth_key, sign_key = _key(), _key(), _key(), _key()
    auth_ca = _ca("Test User Authentication CA", auth_ca_key)
    sign_ca = _ca("Test Digital Signature CA", sign_ca_key)
    auth = _leaf("TEST-AUTH-0001", auth_key, auth_ca, auth_ca_key, signing=False)
    sign = _leaf("Test Resident", sign_key, sign_ca, sign_ca_key, signing=True)
    card = IssuedCard(
        auth_ca_certificate=auth_ca.public_bytes(DER),
        auth_certificate=auth.public_bytes(DER),
        auth_key=auth_key,
        sign_ca_certificate=sign_ca.public_bytes(DER),
        sign_certificate=sign.public_bytes(DER),
        sign_key=sign_key,
    )
    return MadeIssuer(auth_ca, auth_ca_key, sign_ca, sign_ca_key, card)
