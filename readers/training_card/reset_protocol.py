"""The project's own reset protocol for training cards (docs/training-cards.md).

Not J-LIS's: a real card's RESET RETRY COUNTER needs keys only the issuer holds. Here the reset
authority and the training card share a per-card AES key derived from a training master key and
the card's identity; the authority proves itself by a CMAC over the card's fresh challenge and
the PIN file to reset. Both sides use these functions, so they cannot drift apart.

``TrainingResetAuthority`` is the service's half (the service is given one only in training
mode); ``readers.training_card.issuer.TrainingIssuer`` is the terminal's half, the card commands.
"""

from __future__ import annotations

from functools import cache

from readers.jpki_applet import EF_AUTH_PIN, EF_SIGN_PIN
from readers.pin import PinKind

CHALLENGE_LENGTH = 8
_CARD_KEY_LABEL = b"jpki-reset/training/card-key/v1"
_RESET_LABEL = b"jpki-reset/training/reset/v1"
PIN_FILES = {PinKind.AUTH: EF_AUTH_PIN, PinKind.SIGN: EF_SIGN_PIN}  # the PINs the training issuer resets


def _cmac(key: bytes, message: bytes) -> bytes:
    # Imported here: a training card is built for every card check, which never resets a PIN.
    from cryptography.hazmat.primitives.ciphers.algorithms import AES
    from cryptography.hazmat.primitives.cmac import CMAC

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


class TrainingResetAuthority:
    """The training issuer's authority: the cryptogram that lets a training card reset a PIN.
    Its master key is the committed training key, public on purpose: training only."""

    def __init__(self, master_key: bytes | None = None) -> None:
        if master_key is None:
            from readers.training_card.pki import training_pki

            master_key = training_pki().reset_master_key
        self._master_key = master_key

    def cryptogram(self, card_identity: bytes, card_challenge: bytes, pin: PinKind) -> bytes:
        return reset_cryptogram(card_key(self._master_key, card_identity), card_challenge, PIN_FILES[pin])

    def sign_certificate(self, card_identity: bytes) -> bytes | None:
        """The signing certificate the training issuer gave the card of ``card_identity``."""
        return _issued_sign_certificates().get(card_identity)


@cache
def _issued_sign_certificates() -> dict[bytes, bytes]:
    from readers.card_identity import card_identity
    from readers.training_card.pki import training_pki

    return {
        card_identity(card.auth_certificate): card.sign_certificate
        for card in training_pki().cards.values()
        if card.sign_certificate is not None
    }
