"""A card's identity: what step 2 and the reservation service recognise a card by.

It is derived from the user-authentication certificate, which every card with JPKI holds and
anyone may read without a PIN; a card put back on the reader is "the same card" when it gives the
same identity.
"""

from __future__ import annotations

import hashlib

IDENTITY_LENGTH = 16


def card_identity(auth_certificate_der: bytes) -> bytes:
    """The first 16 bytes of the SHA-256 of the card's user-authentication certificate."""
    return hashlib.sha256(auth_certificate_der).digest()[:IDENTITY_LENGTH]
