"""The training cards: which card each profile emulates, with its PINs, tries and certificates.

Training PINs are fixed and documented (README, docs/training-cards.md): they are never a real
person's, and every training certificate says TRAINING in its subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from readers.errors import UnknownProfile

AUTH_PIN = "1234"
SIGN_PIN = "TRAIN1234"
JUKI_PIN = "1234"
KENMEN_PIN = "1234"

TOKEN_MY_NUMBER_CARD = "JPKIAPICCTOKEN2"
TOKEN_JUKI_CARD = "JPKIAPICCTOKEN"

# Contactless ATR as seen from an RC-S380 class reader (docs/protocol.md); the client never relies on it.
TRAINING_ATR = bytes.fromhex("3B8880010000 05E0B381A1007F".replace(" ", ""))

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
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UnknownProfile(f"no training card profile {name!r}; known: {known}") from None
