"""The card's RSA signature as the real card makes it: the card pads whatever it is given (up to
the key size minus 11 bytes) with PKCS#1 v1.5 block type 1 and applies the private key, so the
host may send a DigestInfo of any hash, or raw data (OpenSC's JPKI driver relies on this).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPrivateNumbers

PADDING_OVERHEAD = 11  # 00 01, at least eight FF, 00


class RawSigner:
    """Signs with a key loaded at the first signature (a card check never signs)."""

    def __init__(self, key: Callable[[], RSAPrivateKey | None]) -> None:
        self._key = key
        self._numbers: RSAPrivateNumbers | None = None

    def __call__(self, data: bytes) -> bytes:
        """The signature of ``data``; ValueError when it is too long to pad."""
        if self._numbers is None:
            key = self._key()
            assert key is not None
            self._numbers = key.private_numbers()
        numbers = self._numbers
        modulus = numbers.public_numbers.n
        size = (modulus.bit_length() + 7) // 8
        if len(data) > size - PADDING_OVERHEAD:
            raise ValueError("longer than the key can sign")
        block = b"\x00\x01" + b"\xff" * (size - 3 - len(data)) + b"\x00" + data
        message = int.from_bytes(block, "big")
        # The private operation by the Chinese remainder theorem, as cards compute it.
        m1 = pow(message, numbers.dmp1, numbers.p)
        m2 = pow(message, numbers.dmq1, numbers.q)
        h = numbers.iqmp * (m1 - m2) % numbers.p
        return (m2 + h * numbers.q).to_bytes(size, "big")
