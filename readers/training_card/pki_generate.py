"""Make the training PKI: two CAs, keys and certificates per training card, two CRLs.

    python -m readers.training_card.pki_generate

writes ``training_pki.json`` (read by ``readers.training_card.pki``). Run it once; every laptop,
the shared reservation service and the committed recordings then agree on the same training CA.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from readers.training_card.pki import DATA_FILE, TRAINING_POLICY_OIDS
from readers.training_card.profiles import ADDRESS, BIRTH_DATE, PROFILES, SEX, CardKind, Profile

_ORG = "jpki-reset TRAINING (not J-LIS)"


def _name(**parts: str) -> x509.Name:
    oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts.items()])


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca(common_name: str, key: rsa.RSAPrivateKey) -> x509.Certificate:
    start = datetime(2018, 1, 1, tzinfo=UTC)
    return ca_certificate(_name(C="JP", O=_ORG, CN=common_name), key, start, start + timedelta(days=365 * 20))


def ca_certificate(
    name: x509.Name, key: rsa.RSAPrivateKey, start: datetime, end: datetime
) -> x509.Certificate:
    """A self-signed CA certificate as the JPKI CAs are made (tests make other issuers with it)."""
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


def _leaf(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    ca: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    profile: Profile,
    signing: bool,
) -> x509.Certificate:
    start, end = profile.validity
    usage = x509.KeyUsage(
        digital_signature=not signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    # The extensions a JPKI certificate carries make it 1.5-2 KB, so reads take several chunks.
    base = "http://training.jpki-reset.invalid"
    kind = "sign" if signing else "auth"
    builder = (
        builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(TRAINING_POLICY[kind], [f"{base}/policy/{kind}.html"])]
            ),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(f"{base}/crl/{kind}-{n}.crl")],
                        None,
                        None,
                        None,
                    )
                    for n in (1, 2)
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(f"{base}/ocsp/{kind}"),
                    )
                ]
            ),
            critical=False,
        )
    )
    if signing:
        # The four basic attributes, synthetic, as the signing certificate carries them.
        attributes = [x509.OtherName(oid, _utf8(value)) for oid, value in _attributes(profile).items()]
        builder = builder.add_extension(x509.SubjectAlternativeName(attributes), critical=False)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256())


TRAINING_POLICY = {kind: x509.ObjectIdentifier(oid) for kind, oid in TRAINING_POLICY_OIDS.items()}
_ARC = TRAINING_POLICY_OIDS["auth"].rsplit(".", 2)[0]
_ATTRIBUTE_OIDS = {
    name: x509.ObjectIdentifier(f"{_ARC}.2.{n}")
    for n, name in enumerate(("name", "birth_date", "sex", "address"), start=1)
}


def _attributes(profile: Profile) -> dict[x509.ObjectIdentifier, str]:
    return {
        _ATTRIBUTE_OIDS["name"]: profile.holder,
        _ATTRIBUTE_OIDS["birth_date"]: BIRTH_DATE,
        _ATTRIBUTE_OIDS["sex"]: SEX,
        _ATTRIBUTE_OIDS["address"]: ADDRESS,
    }


def _utf8(text: str) -> bytes:
    """DER UTF8String."""
    raw = text.encode()
    assert len(raw) < 128
    return bytes((0x0C, len(raw))) + raw


def make_crl(
    ca: x509.Certificate, ca_key: rsa.RSAPrivateKey, revoked: list[x509.RevokedCertificate]
) -> x509.CertificateRevocationList:
    builder = x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
    builder = builder.last_update(datetime(2026, 6, 1, tzinfo=UTC))
    builder = builder.next_update(datetime(2031, 6, 1, tzinfo=UTC))
    for item in revoked:
        builder = builder.add_revoked_certificate(item)
    return builder.sign(ca_key, hashes.SHA256())


def generate() -> dict[str, object]:
    """Make a fresh training PKI (about 20 RSA-2048 keys) as JSON-ready PEM text."""
    pem = serialization.Encoding.PEM
    raw = serialization.PrivateFormat.PKCS8
    plain = serialization.NoEncryption()

    def key_pem(key: rsa.RSAPrivateKey) -> str:
        return key.private_bytes(pem, raw, plain).decode()

    def cert_pem(cert: x509.Certificate) -> str:
        return cert.public_bytes(pem).decode()

    auth_ca_key, sign_ca_key = _new_key(), _new_key()
    auth_ca = _ca("TRAINING User Authentication CA", auth_ca_key)
    sign_ca = _ca("TRAINING Digital Signature CA", sign_ca_key)
    cards: dict[str, dict[str, str]] = {}
    revoked: list[x509.RevokedCertificate] = []
    jpki_profiles = [profile for profile in PROFILES.values() if profile.kind is CardKind.JPKI]
    for number, profile in enumerate(jpki_profiles, start=1):
        entry: dict[str, str] = {}
        auth_key = _new_key()
        serial_name = _name(C="JP", CN=f"TRAINING-AUTH-{number:04d}")
        auth = _leaf(serial_name, auth_key, auth_ca, auth_ca_key, profile, signing=False)
        entry |= {"auth_key": key_pem(auth_key), "auth_certificate": cert_pem(auth)}
        if profile.has_sign_certificate:
            sign_key = _new_key()
            holder = _name(C="JP", O=_ORG, CN=profile.holder)
            sign = _leaf(holder, sign_key, sign_ca, sign_ca_key, profile, signing=True)
            entry |= {"sign_key": key_pem(sign_key), "sign_certificate": cert_pem(sign)}
            if profile.sign_revoked:
                revoked.append(
                    x509.RevokedCertificateBuilder()
                    .serial_number(sign.serial_number)
                    .revocation_date(datetime(2026, 6, 1, tzinfo=UTC))
                    .add_extension(x509.CRLReason(x509.ReasonFlags.affiliation_changed), critical=False)
                    .build()
                )
        cards[profile.name] = entry
    return {
        "note": "TRAINING material generated by jpki-reset; never real, never J-LIS.",
        "auth_ca_key": key_pem(auth_ca_key),
        "auth_ca_certificate": cert_pem(auth_ca),
        "sign_ca_key": key_pem(sign_ca_key),
        "sign_ca_certificate": cert_pem(sign_ca),
        "auth_crl": make_crl(auth_ca, auth_ca_key, []).public_bytes(pem).decode(),
        "sign_crl": make_crl(sign_ca, sign_ca_key, revoked).public_bytes(pem).decode(),
        "reset_master_key": os.urandom(16).hex(),
        "cards": cards,
    }


if __name__ == "__main__":
    DATA_FILE.write_text(json.dumps(generate(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA_FILE}")
