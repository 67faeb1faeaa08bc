"""The project's own reset protocol for training cards (docs/training-cards.md).

Not J-LIS's: a real card's RESET RETRY COUNTER needs keys only the issuer holds. Here the reset
authority and the training card share a per-card AES key derived from a training master key and
the card's identity; the authority proves itself by a CMAC over the card's fresh challenge and
the PIN file to reset. Both sides use these functions, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers.algorithms import AES
from cryptography.hazmat.primitives.cmac import CMAC

CHALLENGE_LENGTH = 8
CRYPTOGRAM_LENGTH = 16
_CARD_KEY_LABEL = b"jpki-reset/training/card-key/v1"
_RESET_LABEL = b"jpki-reset/training/reset/v1"


def card_identity(auth_certificate_der: bytes) -> bytes:
    """The card's identity: the first 16 bytes of the SHA-256 of its authentication certificate."""
    return hashlib.sha256(auth_certificate_der).digest()[:16]


def _cmac(key: bytes, message: bytes) -> bytes:
    mac = CMAC(AES(key))
    mac.update(message)
    return mac.finalize()


def card_key(master_key: bytes, identity: bytes) -> bytes:
    """The per-card reset key, as personalised into the training card."""
    return _cmac(master_key, _CARD_KEY_LABEL + identity)


def reset_cryptogram(key: bytes, challenge: bytes, pin_file: int) -> bytes:
    """What EXTERNAL AUTHENTICATE carries: binds the card's challenge to one PIN file."""
    if len(challenge) != CHALLENGE_LENGTH:
        raise ValueError("a card challenge is 8 bytes")
    return _cmac(key, _RESET_LABEL + pin_file.to_bytes(2, "big") + challenge)
