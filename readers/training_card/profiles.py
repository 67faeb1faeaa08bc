"""The training cards: which card each profile emulates, with its PINs, tries and certificates.

Training PINs are fixed and documented (README, docs/training-cards.md): they are never a real
person's, and every training certificate says TRAINING in its subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from readers.errors import UnknownProfile

AUTH_PIN = "1234"
SIGN_PIN = "TRAIN1234"
JUKI_PIN = "1234"
KENMEN_PIN = "1234"

TOKEN_MY_NUMBER_CARD = "JPKIAPICCTOKEN2"
TOKEN_JUKI_CARD = "JPKIAPICCTOKEN"

# The training person's attributes: in the signing certificate and the card-info application.
BIRTH_DATE = "19900401"
SEX = "9"  # ISO 5218: not applicable
ADDRESS = "TRAINING 1-1 Kasumigaseki, Chiyoda-ku, Tokyo (fictional)"
INDIVIDUAL_NUMBER = "000000000000"  # twelve zeros: plainly no one's individual number


def pcsc_atr(historical: bytes) -> bytes:
    """The ATR a PC/SC reader synthesises for a contactless card (PC/SC part 3): T0, TD1, TD2,
    the historical bytes and the check byte (the XOR of every byte after TS)."""
    body = bytes((0x3B, 0x80 | len(historical), 0x80, 0x01)) + historical
    check = 0
    for byte in body[1:]:
        check ^= byte
    return body + bytes((check,))


# Contactless ATR as seen from an RC-S380 class reader (docs/protocol.md); the client never relies on it.
TRAINING_ATR = bytes.fromhex("3B8880010000 05E0B381A1007F".replace(" ", ""))
# A FeliCa card behind a PC/SC reader: storage-card historical bytes, standard 11 (FeliCa).
FELICA_ATR = pcsc_atr(bytes.fromhex("804F0CA0000003061100 3B00000000".replace(" ", "")))
# Some other ISO 14443-4 Type B card (a bank or transit card): application data of its own.
OTHER_ISO_ATR = pcsc_atr(bytes.fromhex("00000000B381A100"))


class CardKind(StrEnum):
    """What the emulator is: a My Number Card (or 住基カード), or a card that is not one."""

    JPKI = "jpki"
    FELICA = "felica"  # a FeliCa-only card: the PC/SC reader answers 6A 81 for it
    OTHER_ISO = "other-iso"  # an ISO card without the JPKI application: 6A 82


# Fixed validity windows keep the training PKI reproducible; regenerate it before 2031.
VALID = (datetime(2026, 1, 10, tzinfo=UTC), datetime(2031, 1, 9, 23, 59, 59, tzinfo=UTC))
EXPIRED = (datetime(2019, 4, 1, tzinfo=UTC), datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC))


@dataclass(frozen=True)
class PinSetup:
    """A PIN as personalised: its value (None: not set on this card), tries left and maximum."""

    value: str | None
    tries_left: int
    max_tries: int


@dataclass(frozen=True)
class Profile:
    """A training card: who holds it, its PINs and tries, its certificates and their dates."""

    name: str
    title: str
    holder: str
    token: str = TOKEN_MY_NUMBER_CARD
    auth_tries: int = 3
    sign_tries: int = 5
    has_sign_certificate: bool = True
    pins_set: bool = True
    validity: tuple[datetime, datetime] = VALID
    sign_revoked: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    kind: CardKind = CardKind.JPKI
    # Where the public sources disagree, the emulator follows one reading and can be switched to
    # the other (docs/training-cards.md): the tries query of a verified PIN answers its count
    # (63 Cx, the public trace) or 90 00; a SELECT of the selected JPKI application keeps or drops
    # the PINs verified; the first command after power-up is answered 6F 00 once (some cards).
    verified_query_answers_ok: bool = False
    reselect_keeps_verified: bool = True
    not_ready_after_power_up: bool = False

    @property
    def atr(self) -> bytes:
        return {CardKind.FELICA: FELICA_ATR, CardKind.OTHER_ISO: OTHER_ISO_ATR}.get(self.kind, TRAINING_ATR)

    @property
    def type_b(self) -> bool:
        """Whether the card answers an NFC reader as ISO 14443 Type B (FeliCa is Type F)."""
        return self.kind is not CardKind.FELICA

    def pins(self) -> dict[str, PinSetup]:
        """PIN setups keyed by the client's PinKind names: auth, sign, juki, kenmen."""
        auth = AUTH_PIN if self.pins_set else None
        sign = SIGN_PIN if self.pins_set and self.has_sign_certificate else None
        return {
            "auth": PinSetup(auth, self.auth_tries, 3),
            "sign": PinSetup(sign, self.sign_tries, 5),
            "juki": PinSetup(JUKI_PIN if self.pins_set else None, 3, 3),
            "kenmen": PinSetup(KENMEN_PIN if self.pins_set else None, 3, 3),
        }


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("adult", "Adult, both certificates, all tries left", "TRAINING Taro Adult"),
        Profile(
            "one-try-left",
            "Adult, user-authentication PIN at its last try",
            "TRAINING Hanako Onetry",
            auth_tries=1,
        ),
        Profile("sign-blocked", "Adult, signing PIN blocked", "TRAINING Jiro Signblock", sign_tries=0),
        Profile(
            "auth-blocked",
            "Adult, user-authentication PIN blocked",
            "TRAINING Saburo Authblock",
            auth_tries=0,
        ),
        Profile(
            "both-blocked",
            "Adult, both PINs blocked",
            "TRAINING Shiro Bothblock",
            auth_tries=0,
            sign_tries=0,
        ),
        Profile(
            "under-15",
            "Issued under 15: no signing certificate",
            "TRAINING Goro Child",
            has_sign_certificate=False,
        ),
        Profile(
            "face-auth",
            "Face-authentication card: no PINs, no signing certificate",
            "TRAINING Rokuro Face",
            has_sign_certificate=False,
            pins_set=False,
        ),
        Profile(
            "expired",
            "Both certificates past their validity",
            "TRAINING Nanako Expired",
            validity=EXPIRED,
        ),
        Profile(
            "sign-revoked",
            "Signing certificate revoked after a move",
            "TRAINING Hachiro Moved",
            sign_revoked=True,
        ),
        Profile(
            "juki-card",
            "Old Basic Resident Register card (juki card)",
            "TRAINING Kuro Juki",
            token=TOKEN_JUKI_CARD,
        ),
        Profile("felica", "A FeliCa-only card (not a My Number Card)", "", kind=CardKind.FELICA),
        Profile(
            "other-iso", "Another ISO card without JPKI (not a My Number Card)", "", kind=CardKind.OTHER_ISO
        ),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UnknownProfile(f"no training card profile {name!r}; known: {known}") from None
