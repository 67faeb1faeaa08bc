"""The training card: a pure APDU state machine that answers as the JPKI applet does, following the
public real-card evidence (each behaviour and its source: docs/training-cards.md).

``TrainingCard.respond(command) -> response`` is all a bridge needs. PIN counters persist for the
card's lifetime; selections, verified PINs, challenges and the issuer state last one power cycle.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from readers.apdu import SHORT_MAX, Command, Response
from readers.card_identity import card_identity
from readers.errors import JpkiResetError
from readers.jpki_applet import (
    AID_CARD_FACE,
    AID_JPKI,
    AID_JUKI,
    AID_JUKI_ALT,
    AID_KENMEN,
    EF_AUTH_CA,
    EF_AUTH_CERT,
    EF_AUTH_KEY,
    EF_AUTH_PIN,
    EF_CERT_AVAILABILITY,
    EF_JUKI_PIN,
    EF_KENMEN_ATTRIBUTES,
    EF_KENMEN_NUMBER,
    EF_KENMEN_PIN,
    EF_SIGN_CA,
    EF_SIGN_CERT,
    EF_SIGN_KEY,
    EF_SIGN_PIN,
    EF_TOKEN_INFO,
)
from readers.training_card.card_info_files import attribute_record, individual_number_record
from readers.training_card.foreign import foreign_answer
from readers.training_card.pki import CardCredentials, IssuedCard, training_pki
from readers.training_card.profiles import CardKind, PinSetup, Profile, get_profile
from readers.training_card.reset_protocol import CHALLENGE_LENGTH, card_key, reset_cryptogram
from readers.training_card.signing import RawSigner

OK = 0x9000


@dataclass
class PinState:
    """A PIN as the card holds it: its value (None: not set) and its tries."""

    value: bytes | None
    tries_left: int
    max_tries: int

    @classmethod
    def of(cls, setup: PinSetup) -> PinState:
        value = setup.value.encode() if setup.value is not None else None
        return cls(value, setup.tries_left, setup.max_tries)


@dataclass
class Key:
    """A private key on the card and the PIN that must be verified before it signs."""

    sign: Callable[[bytes], bytes]  # data to sign (a DigestInfo, or any short input) -> signature
    needs_pin: int


@dataclass
class Session:
    """What a power cycle clears."""

    ap: bytes | None = None
    ef: int | None = None
    verified: set[int] = field(default_factory=set)
    challenge: bytes | None = None
    issuer_state_for: int | None = None
    pending: bytes = b""  # answer waiting for GET RESPONSE
    settling: bool = False  # the card answers 6F 00 to the first command after power-up


class TrainingCard:
    """One emulated My Number Card, personalised from a training profile."""

    def __init__(self, profile: Profile | str = "adult", *, issued: IssuedCard | None = None) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.atr = self.profile.atr
        self.session = Session()
        self.files: dict[bytes, dict[int, bytes]] = {}
        self.pins: dict[int, PinState] = {}
        self.keys: dict[int, Key] = {}
        # The training master key and the card's identity, from which its reset key is derived
        # when an issuer first authenticates (a card check never does: no cipher code loads).
        self._reset_key_from: tuple[bytes, bytes] | None = None
        if self.profile.kind is CardKind.JPKI:
            self._personalise(issued)

    def _personalise(self, issued: IssuedCard | None) -> None:
        pki = training_pki()
        creds: CardCredentials | IssuedCard = issued or pki.cards[self.profile.name]
        auth_ca = issued.auth_ca_certificate if issued else pki.auth_ca_certificate
        sign_ca = issued.sign_ca_certificate if issued else pki.sign_ca_certificate
        setups = self.profile.pins()
        self.pins = {
            EF_AUTH_PIN: PinState.of(setups["auth"]),
            EF_SIGN_PIN: PinState.of(setups["sign"]),
            EF_JUKI_PIN: PinState.of(setups["juki"]),
            EF_KENMEN_PIN: PinState.of(setups["kenmen"]),
        }
        token = self.profile.token.encode().ljust(32, b" ")
        has_sign = creds.sign_certificate is not None
        jpki_files: dict[int, bytes] = {
            EF_TOKEN_INFO: token,
            EF_CERT_AVAILABILITY: bytes.fromhex("8F8F00" if has_sign else "008F00"),
            EF_AUTH_CERT: creds.auth_certificate,
            EF_AUTH_CA: auth_ca,
        }
        self.keys = {EF_AUTH_KEY: Key(RawSigner(lambda: creds.auth_key), EF_AUTH_PIN)}
        if has_sign:
            assert creds.sign_certificate is not None
            jpki_files[EF_SIGN_CERT] = creds.sign_certificate
            if sign_ca is not None:
                jpki_files[EF_SIGN_CA] = sign_ca
            self.keys[EF_SIGN_KEY] = Key(RawSigner(lambda: creds.sign_key), EF_SIGN_PIN)
        card_info = {
            EF_KENMEN_NUMBER: individual_number_record(),
            EF_KENMEN_ATTRIBUTES: attribute_record(self.profile.holder),
        }
        # In card order: a SELECT by a prefix of an AID finds the first application it starts.
        self.files = {
            AID_JPKI: jpki_files,
            AID_KENMEN: card_info,
            AID_JUKI: {},
            AID_JUKI_ALT: {},
            AID_CARD_FACE: {},
        }
        self.pin_home = {
            EF_AUTH_PIN: AID_JPKI,
            EF_SIGN_PIN: AID_JPKI,
            EF_KENMEN_PIN: AID_KENMEN,
            EF_JUKI_PIN: AID_JUKI,
        }
        # Files readable only once a PIN of their application is verified: (AP, EF) -> PIN EF.
        self.protected = {
            (AID_JPKI, EF_SIGN_CERT): EF_SIGN_PIN,
            (AID_KENMEN, EF_KENMEN_NUMBER): EF_KENMEN_PIN,
            (AID_KENMEN, EF_KENMEN_ATTRIBUTES): EF_KENMEN_PIN,
        }
        # Another issuer's card holds that issuer's key, not the training authority's.
        self._reset_key_from = (
            None if issued else (pki.reset_master_key, card_identity(creds.auth_certificate))
        )

    # --- power ------------------------------------------------------------------------------

    def power_on(self) -> bytes:
        """A new power cycle: every selection and security state is gone. Returns the ATR."""
        self.session = Session(settling=self.profile.not_ready_after_power_up)
        return self.atr

    # --- the APDU interface -----------------------------------------------------------------

    def respond(self, raw: bytes) -> bytes:
        if self.profile.kind is not CardKind.JPKI:
            return foreign_answer(self.profile.kind, raw)
        if self.session.settling:  # some cards: 6F 00 to the first command after power-up
            self.session.settling = False
            return _sw(0x6F00)
        try:
            command = Command.decode(raw)
        except (JpkiResetError, ValueError):
            return _sw(0x6700)
        if command.ins != 0xC0:
            self.session.pending = b""
        handler = self._handlers.get((command.cla, command.ins))
        if handler is None:
            return _sw(0x6E00 if command.cla not in (0x00, 0x80) else 0x6D00)
        return handler(self, command).encode()

    # Each handler returns a Response.

    def _select(self, c: Command) -> Response:
        s = self.session
        if c.p1 == 0x04:
            aid = self._application_named(c.data)
            if aid is None:
                return Response(b"", 0x6A82)
            if aid != s.ap or not self.profile.reselect_keeps_verified:
                s.verified = set()
            s.ap, s.ef, s.issuer_state_for = aid, None, None
            return _ok()
        if c.p1 == 0x02:
            if s.ap is None or len(c.data) != 2:
                return Response(b"", 0x6A82 if len(c.data) == 2 else 0x6A87)
            fid = int.from_bytes(c.data, "big")
            if not self._exists(s.ap, fid):
                return Response(b"", 0x6A82)
            s.ef = fid
            if s.issuer_state_for != fid:
                s.issuer_state_for = None
            return _ok()
        return Response(b"", 0x6A86)

    def _application_named(self, name: bytes) -> bytes | None:
        """The application a SELECT by DF name means: the full AID, or the first application
        whose AID starts with ``name`` (at least the 5-byte registered provider id)."""
        if name in self.files:
            return name
        if len(name) >= 5:
            return next((aid for aid in self.files if aid.startswith(name)), None)
        return None

    def _exists(self, ap: bytes, fid: int) -> bool:
        if fid in self.files[ap]:
            return True
        if fid in self.pins and self._pin_ap(fid) == ap:
            return True
        return ap == AID_JPKI and fid in self.keys

    def _pin_ap(self, fid: int) -> bytes:
        home = self.pin_home[fid]
        if home == AID_JUKI and self.session.ap == AID_JUKI_ALT:
            return AID_JUKI_ALT  # both 住基 AIDs carry the same PIN (docs/protocol.md: uncertain)
        return home

    def _read_binary(self, c: Command) -> Response:
        s = self.session
        if c.p1 & 0x80:
            return Response(b"", 0x6A86)  # short-EF addressing is not offered
        if s.ap is None or s.ef is None:
            return Response(b"", 0x6986)
        content = self.files[s.ap].get(s.ef)
        if content is None:
            return Response(b"", 0x6981)  # a PIN or key file is not readable
        needs = self.protected.get((s.ap, s.ef))
        if needs is not None and needs not in s.verified:
            return Response(b"", 0x6982)
        offset = (c.p1 << 8) | c.p2
        if offset >= len(content):
            return Response(b"", 0x6B00)
        le = c.le or SHORT_MAX
        return Response(content[offset : offset + le], OK)

    def _current_pin(self) -> tuple[int, PinState] | None:
        s = self.session
        if s.ef in self.pins and s.ap == self._pin_ap(s.ef):
            return s.ef, self.pins[s.ef]
        return None

    def _addressed_pin(self, c: Command, p1: int) -> tuple[int, PinState] | Response:
        """How VERIFY, CHANGE and RESET RETRY COUNTER open: P1 as the command wants it and P2 80
        (a PIN of the selected application), then the PIN the selected file is; else the refusal."""
        if c.p1 != p1 or c.p2 != 0x80:
            return Response(b"", 0x6A86)
        found = self._current_pin()
        return Response(b"", 0x6A88) if found is None else found

    def _verify(self, c: Command) -> Response:
        found = self._addressed_pin(c, 0x00)
        if isinstance(found, Response):
            return found
        fid, pin = found
        if pin.value is None:
            return Response(b"", 0x6A88)
        if not c.data:  # tries query: spends nothing
            if pin.tries_left == 0:
                return Response(b"", 0x6984)
            if fid in self.session.verified and self.profile.verified_query_answers_ok:
                return _ok()
            return Response(b"", 0x63C0 | pin.tries_left)
        if pin.tries_left == 0:
            return Response(b"", 0x6984)
        if hmac_equal(c.data, pin.value):
            pin.tries_left = pin.max_tries
            self.session.verified.add(fid)
            return _ok()
        pin.tries_left -= 1
        self.session.verified.discard(fid)
        return Response(b"", 0x63C0 | pin.tries_left)

    def _change_reference_data(self, c: Command) -> Response:
        found = self._addressed_pin(c, 0x01)
        if isinstance(found, Response):
            return found
        fid, pin = found
        if fid not in self.session.verified:
            return Response(b"", 0x6982)
        if not _acceptable_pin(fid, c.data):
            return Response(b"", 0x6A80)
        pin.value, pin.tries_left = bytes(c.data), pin.max_tries
        return _ok()

    def _get_challenge(self, c: Command) -> Response:
        if c.p1 or c.p2:
            return Response(b"", 0x6A86)
        if c.le != CHALLENGE_LENGTH:
            return Response(b"", 0x6C00 | CHALLENGE_LENGTH)
        self.session.challenge = os.urandom(CHALLENGE_LENGTH)
        return Response(self.session.challenge, OK)

    def _external_authenticate(self, c: Command) -> Response:
        s = self.session
        challenge, s.challenge = s.challenge, None  # single use, whatever happens
        found = self._current_pin()
        if challenge is None or found is None:
            return Response(b"", 0x6985)
        if self._reset_key_from is None:
            return Response(b"", 0x6300)  # no key of ours can authenticate to another issuer's card
        fid, _ = found
        expected = reset_cryptogram(card_key(*self._reset_key_from), challenge, fid)
        if not hmac_equal(c.data, expected):
            s.issuer_state_for = None
            return Response(b"", 0x6300)
        s.issuer_state_for = fid
        return _ok()

    def _reset_retry_counter(self, c: Command) -> Response:
        found = self._addressed_pin(c, 0x02)
        if isinstance(found, Response):
            return found
        fid, pin = found
        if self.session.issuer_state_for != fid:
            return Response(b"", 0x6982)
        if pin.value is None or not _acceptable_pin(fid, c.data):
            return Response(b"", 0x6A80 if pin.value is not None else 0x6A88)
        pin.value, pin.tries_left = bytes(c.data), pin.max_tries
        self.session.issuer_state_for = None
        return _ok()

    def _sign(self, c: Command) -> Response:
        s = self.session
        if c.p1 != 0x00 or c.p2 != 0x80:
            return Response(b"", 0x6A86)
        key = self.keys.get(s.ef) if s.ap == AID_JPKI else None
        if key is None:
            return Response(b"", 0x6A88)
        if key.needs_pin not in s.verified:
            return Response(b"", 0x6982)
        try:
            signature = key.sign(c.data)
        except ValueError:
            return Response(b"", 0x6A80)
        if c.le is None:
            # No Le: the answer waits for GET RESPONSE, as on a T=0 link.
            s.pending = signature
            return Response(b"", 0x6100 | (len(signature) % SHORT_MAX))
        return Response(signature[: c.le], OK)

    def _get_response(self, c: Command) -> Response:
        s = self.session
        if not s.pending:
            return Response(b"", 0x6985)
        le = c.le or SHORT_MAX
        out, s.pending = s.pending[:le], s.pending[le:]
        if s.pending:
            return Response(out, 0x6100 | (min(len(s.pending), SHORT_MAX) % SHORT_MAX))
        return Response(out, OK)

    _handlers: ClassVar[dict[tuple[int, int], Callable[[TrainingCard, Command], Response]]] = {
        (0x00, 0xA4): _select,
        (0x00, 0xB0): _read_binary,
        (0x00, 0x20): _verify,
        (0x00, 0x24): _change_reference_data,
        (0x00, 0x84): _get_challenge,
        (0x00, 0x82): _external_authenticate,
        (0x00, 0x2C): _reset_retry_counter,
        (0x80, 0x2A): _sign,
        (0x00, 0xC0): _get_response,
    }


def _ok() -> Response:
    return Response(b"", OK)


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


def hmac_equal(a: bytes, b: bytes) -> bool:
    """Constant-time comparison: a card must not leak a PIN through timing."""
    return hmac.compare_digest(a, b)


def _acceptable_pin(fid: int, value: bytes) -> bool:
    """The card's own length and alphabet limits (the app checks the full rules first)."""
    if fid == EF_SIGN_PIN:
        return 6 <= len(value) <= 16 and all(chr(b) in _SIGN_ALPHABET for b in value)
    return len(value) == 4 and value.isdigit()


_SIGN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
