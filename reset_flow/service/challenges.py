"""Challenges (the nonces a card signs) without a database write.

A nonce is 32 bytes: its expiry (8 bytes, microseconds since 1970 UTC), 8 random bytes, and an
HMAC-SHA-256 (first 16 bytes) over the terminal it was issued to, the expiry and the randomness,
keyed with a secret kept in the database (so every service process on it checks every other's).
Issuing one costs no write; the proof that carries it spends it, in the proof's own transaction
(``StoreTransaction.spend_challenge``), so it is single use whatever the outcome. Because issuing is
free, the answer to an accepted proof hands the terminal its next challenge (``hands_on``), and the
terminal's next proof needs one request, not two.

Another source can be injected (``ServiceSettings.challenges``): the demo mode's scripted nonces.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

CHALLENGE_LIFE = timedelta(minutes=2)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAC_BYTES = 16


@dataclass(frozen=True, slots=True)
class IssuedChallenge:
    nonce: bytes
    issued_at: datetime
    expires_at: datetime


class ChallengeSource(Protocol):
    # True: the answer to a proof may hand on the next challenge. A source whose order matters
    # (the demo's script) issues only when asked.
    hands_on: bool

    def issue(self, terminal: int, now: datetime) -> IssuedChallenge: ...

    def recognise(self, nonce: bytes, terminal: int) -> IssuedChallenge | None:
        """The challenge if this source issued ``nonce`` to ``terminal``; else None."""
        ...


class SignedChallenges:
    hands_on = True

    def __init__(self, key: bytes, life: timedelta = CHALLENGE_LIFE) -> None:
        self._key, self.life = key, life

    def issue(self, terminal: int, now: datetime) -> IssuedChallenge:
        expires = now + self.life
        head = _micros(expires).to_bytes(8, "big") + secrets.token_bytes(8)
        return IssuedChallenge(head + self._mac(terminal, head), now, expires)

    def recognise(self, nonce: bytes, terminal: int) -> IssuedChallenge | None:
        if len(nonce) != 16 + _MAC_BYTES:
            return None
        head, mac = nonce[:16], nonce[16:]
        if not hmac.compare_digest(mac, self._mac(terminal, head)):
            return None
        expires = _EPOCH + timedelta(microseconds=int.from_bytes(head[:8], "big"))
        return IssuedChallenge(nonce, expires - self.life, expires)

    def _mac(self, terminal: int, head: bytes) -> bytes:
        message = terminal.to_bytes(8, "big", signed=True) + head
        return hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]


class ScriptedChallenges:
    """Challenges in a fixed order from a seed: a recorded card signature is over the challenge of
    the moment it was recorded, so a replayed demo needs the service to issue the same bytes again.
    Kept in memory; used only by demo mode and the demo recorder. It hands nothing on: a recording
    was made with the nonces fetched in a fixed order."""

    hands_on = False

    def __init__(self, seed: str, life: timedelta = CHALLENGE_LIFE) -> None:
        self.seed, self.life = seed.encode(), life
        self.issued: dict[bytes, tuple[int, IssuedChallenge]] = {}

    def issue(self, terminal: int, now: datetime) -> IssuedChallenge:
        number = len(self.issued) + 1
        nonce = hashlib.sha256(b"jpki-reset demo/%s/%d" % (self.seed, number)).digest()
        challenge = IssuedChallenge(nonce, now, now + self.life)
        self.issued[nonce] = (terminal, challenge)
        return challenge

    def recognise(self, nonce: bytes, terminal: int) -> IssuedChallenge | None:
        found = self.issued.get(nonce)
        return found[1] if found is not None and found[0] == terminal else None


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)
