"""What the card signs to prove possession, and the proof: one definition for the flows and the service.

The signed message binds the purpose (reservation or reset authorisation), the PIN to reset, the
service's single-use nonce and the card's identity (from its authentication certificate), so that a
signature made for one of these can never be replayed as another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from readers.jpki import PinKind

_DOMAIN = b"jpki-reset/proof/v1"


class ProofPurpose(StrEnum):
    RESERVATION = "reservation"  # step 1
    AUTHORISATION = "authorisation"  # step 2


def proof_digest(purpose: ProofPurpose, reset: PinKind, nonce: bytes, card_identity: bytes) -> bytes:
    """The SHA-256 digest the card signs (PKCS#1 v1.5 over its DigestInfo)."""
    parts = (_DOMAIN, purpose.value.encode(), reset.value.encode(), nonce, card_identity)
    message = b"".join(len(part).to_bytes(2, "big") + part for part in parts)
    return hashlib.sha256(message).digest()


@dataclass(frozen=True, slots=True)
class Proof:
    """Possession of the card's key: its certificates and a signature over ``proof_digest``.
    ``sign_certificate`` is given when the signing key signed (the proof of an auth-PIN reset)."""

    auth_certificate: bytes
    nonce: bytes
    signature: bytes
    sign_certificate: bytes | None = None
