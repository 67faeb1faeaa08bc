"""The training PKI as committed: two CAs, a key pair and certificates per training card, CRLs.

``training_pki.json`` beside this file is made once by ``pki_generate``, so every laptop, the
shared reservation service and the committed recordings agree on the same training CA. It is
training material, never real: every name in it says TRAINING.

Loading is light on purpose (``jpki-reset status`` uses it): certificates are decoded from PEM
without parsing, and a private key is parsed only when the card first signs with it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

DATA_FILE = Path(__file__).with_name("training_pki.json")

# Our own object identifiers (in the UUID arc 2.25): training material must not pose as J-LIS's.
TRAINING_POLICY_OIDS = {
    "auth": "2.25.329800735698586629295641978511506172918.1.1",
    "sign": "2.25.329800735698586629295641978511506172918.1.2",
}


def pem_to_der(text: str) -> bytes:
    """The DER bytes inside one PEM block (certificate or CRL)."""
    body = [line for line in text.strip().splitlines() if not line.startswith("-----")]
    return base64.b64decode("".join(body))


def _load_key(text: str) -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    # Our own material: skipping the (slow) RSA consistency check keeps start-up quick.
    key = serialization.load_pem_private_key(
        text.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


class CardCredentials:
    """One training card's certificates (DER) and private keys (parsed on first use)."""

    def __init__(self, entry: dict[str, str]) -> None:
        self._entry = entry
        self.auth_certificate = pem_to_der(entry["auth_certificate"])
        sign = entry.get("sign_certificate")
        self.sign_certificate = pem_to_der(sign) if sign else None

    @cached_property
    def auth_key(self) -> rsa.RSAPrivateKey:
        return _load_key(self._entry["auth_key"])

    @cached_property
    def sign_key(self) -> rsa.RSAPrivateKey | None:
        text = self._entry.get("sign_key")
        return _load_key(text) if text else None


class TrainingPki:
    def __init__(self, data: dict) -> None:
        self.auth_ca_certificate = pem_to_der(data["auth_ca_certificate"])
        self.sign_ca_certificate = pem_to_der(data["sign_ca_certificate"])
        self.auth_crl = pem_to_der(data["auth_crl"])  # empty: no training auth certificate revoked
        self.sign_crl = pem_to_der(data["sign_crl"])  # holds the sign-revoked card's certificate
        self.reset_master_key = bytes.fromhex(data["reset_master_key"])
        self.cards = {name: CardCredentials(entry) for name, entry in data["cards"].items()}


@cache
def training_pki() -> TrainingPki:
    """The committed training PKI, loaded once per process."""
    return TrainingPki(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class IssuedCard:
    """A card personalised by an issuer other than the training CA: tests make one with
    ``cryptography`` to play a real issuer's card. The emulator then holds no reset key (only that
    issuer could unblock it), as with a resident's card."""

    auth_ca_certificate: bytes
    auth_certificate: bytes
    auth_key: rsa.RSAPrivateKey
    sign_ca_certificate: bytes | None = None
    sign_certificate: bytes | None = None
    sign_key: rsa.RSAPrivateKey | None = None
