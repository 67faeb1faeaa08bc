"""Eligibility triage, before any PIN is entered: can the kiosk path reset a PIN of this card, or
must the resident go to the municipal window? Every reason that applies is reported, as a code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from readers.card_check import CardReport, CertificateSummary
from readers.jpki import CardKind, CertificateKind, PinKind
from reset_flow.certificate_validity import CertificateStanding, Revocation, certificate_standing
from reset_flow.pin_rules import RESETTABLE_PINS, proof_pin_for

RevocationCheck = Callable[[bytes], Revocation]
IssuerCheck = Callable[[bytes], bool]  # is this authentication certificate's issuer trusted here?
WINDOW_ONLY_PINS: tuple[PinKind, ...] = (PinKind.JUKI, PinKind.KENMEN)


class Verdict(StrEnum):
    KIOSK = "kiosk"  # the kiosk path can reset at least one PIN
    WINDOW = "window"  # go to the municipal window
    # The card could take the kiosk path, but this terminal does not trust its issuer yet: the
    # service would refuse step 1, so it stops before any PIN (``jpki-reset trust add``).
    ISSUER_NOT_TRUSTED = "issuer-not-trusted"


class ReasonCode(StrEnum):
    # the card itself
    NOT_A_MY_NUMBER_CARD = "not-a-my-number-card"
    JUKI_CARD = "juki-card"
    PHONE_TOKEN = "phone-token"
    FACE_AUTHENTICATION_CARD = "face-authentication-card"
    # The guidebooks say a face-authentication card's PINs are locked: a card whose PINs answer
    # "blocked" (no signing PIN to speak of) may be one. Said as a possibility, never a finding.
    FACE_AUTHENTICATION_POSSIBLE = "face-authentication-possible"
    NO_SIGN_CERTIFICATE = "no-sign-certificate"
    NO_AUTH_CERTIFICATE = "no-auth-certificate"
    # the PINs
    BOTH_PINS_BLOCKED = "both-pins-blocked"
    AUTH_PIN_BLOCKED = "auth-pin-blocked"
    SIGN_PIN_BLOCKED = "sign-pin-blocked"
    AUTH_PIN_TRIES_UNKNOWN = "auth-pin-tries-unknown"
    SIGN_PIN_TRIES_UNKNOWN = "sign-pin-tries-unknown"
    AUTH_PIN_LAST_TRY = "auth-pin-last-try"
    SIGN_PIN_LAST_TRY = "sign-pin-last-try"
    JUKI_PIN_BLOCKED = "juki-pin-blocked"
    KENMEN_PIN_BLOCKED = "kenmen-pin-blocked"
    NEITHER_PIN_KNOWN = "neither-pin-known"  # the resident's answer, not the card's (flows add it)
    # the resident's answers to staff before a signing-PIN reset (flows add them)
    DETAILS_CHANGED = "details-changed"  # name, address, birth date or sex changed: signing cert revoked
    LOSS_REPORTED = "loss-reported"  # a reported loss suspends the certificates
    # The card's own expiry is printed on its face; the chip gives it only behind a PIN, so staff
    # read it on the photo-ID screen and say so by a key (flows add it).
    CARD_EXPIRED = "card-expired"
    # the certificates
    AUTH_CERTIFICATE_EXPIRED = "auth-certificate-expired"
    SIGN_CERTIFICATE_EXPIRED = "sign-certificate-expired"
    AUTH_CERTIFICATE_NOT_YET_VALID = "auth-certificate-not-yet-valid"
    SIGN_CERTIFICATE_NOT_YET_VALID = "sign-certificate-not-yet-valid"
    AUTH_CERTIFICATE_REVOKED = "auth-certificate-revoked"
    SIGN_CERTIFICATE_REVOKED = "sign-certificate-revoked"
    AUTH_CERTIFICATE_MALFORMED = "auth-certificate-malformed"  # does not decode: no proof can use it
    SIGN_CERTIFICATE_MALFORMED = "sign-certificate-malformed"
    AUTH_CERTIFICATE_RENEWAL_DUE = "auth-certificate-renewal-due"
    SIGN_CERTIFICATE_RENEWAL_DUE = "sign-certificate-renewal-due"
    SIGN_CERTIFICATE_UNCHECKED = "sign-certificate-unchecked"  # unreadable without the signing PIN
    REVOCATION_UNCHECKED = "revocation-unchecked"  # no revocation list for the issuer at hand
    REVOCATION_NO_CRL = "revocation-no-crl"  # the issuer is trusted here, but no CRL is configured
    # this terminal
    ISSUER_NOT_TRUSTED = "issuer-not-trusted"  # the card's issuer is not in this terminal's trust


class Reason(NamedTuple):
    """One finding. ``pins``: the PINs whose kiosk reset it rules out (empty for a note);
    ``window``: True when it sends the resident (or those PINs) to the window."""

    code: ReasonCode
    pins: tuple[PinKind, ...] = ()
    window: bool = True


class Triage(NamedTuple):
    """The verdict on a card: which PINs the kiosk path can reset, and the reasons against the rest."""

    verdict: Verdict
    kiosk_pins: tuple[PinKind, ...]  # what the kiosk path can reset, signing PIN first
    reasons: tuple[Reason, ...]

    def blocks(self, pin: PinKind) -> tuple[Reason, ...]:
        """The reasons that rule out the kiosk reset of ``pin``."""
        return tuple(r for r in self.reasons if pin in r.pins)


def triage(
    report: CardReport,
    now: datetime,
    revocation: RevocationCheck | None = None,
    issuer: IssuerCheck | None = None,
) -> Triage:
    """The verdict for ``report`` at ``now``. ``revocation`` checks a certificate's DER against the
    revocation lists at hand; without it, revocation is reported as unchecked. ``issuer`` says
    whether this terminal's service trusts the authentication certificate's issuer (None: not
    known here, e.g. a shared service)."""
    reasons: list[Reason] = []
    both = RESETTABLE_PINS
    kind = report.info.kind
    if kind is not CardKind.MY_NUMBER_CARD:
        code = {CardKind.JUKI_CARD: ReasonCode.JUKI_CARD, CardKind.PHONE_TOKEN: ReasonCode.PHONE_TOKEN}
        reasons.append(Reason(code.get(kind, ReasonCode.NOT_A_MY_NUMBER_CARD), both))
        return _verdict(reasons)
    if report.face_authentication:
        reasons.append(Reason(ReasonCode.FACE_AUTHENTICATION_CARD, both))
    elif _maybe_face_authentication(report):
        reasons.append(Reason(ReasonCode.FACE_AUTHENTICATION_POSSIBLE, both))
    if not report.info.has_sign_certificate:
        # No signing certificate: no signing PIN to prove an auth reset, nothing to reset (inferred).
        reasons.append(Reason(ReasonCode.NO_SIGN_CERTIFICATE, both))
    if not report.info.has_auth_certificate:
        reasons.append(Reason(ReasonCode.NO_AUTH_CERTIFICATE, both))
    reasons += _pin_reasons(report)
    for cert_kind, pin in ((CertificateKind.AUTH, PinKind.AUTH), (CertificateKind.SIGN, PinKind.SIGN)):
        summary = report.certificates.get(cert_kind)
        if summary is not None and summary.present:
            reasons += _certificate_reasons(pin, summary, now, revocation)
    auth = report.certificates.get(CertificateKind.AUTH)
    if issuer is not None and auth is not None and auth.der is not None and not issuer(auth.der):
        reasons.append(Reason(ReasonCode.ISSUER_NOT_TRUSTED, (), window=False))
    return _verdict(_unique(reasons))


def _pin_reasons(report: CardReport) -> list[Reason]:
    reasons: list[Reason] = []
    auth, sign = report.pins[PinKind.AUTH], report.pins[PinKind.SIGN]
    if report.face_authentication:
        return reasons  # no PINs are set: the face-authentication reason says it all
    if auth.blocked and sign.blocked:
        reasons.append(Reason(ReasonCode.BOTH_PINS_BLOCKED, RESETTABLE_PINS))
    for pin, status in ((PinKind.AUTH, auth), (PinKind.SIGN, sign)):
        reset_ruled_out = (proof_target(pin),)  # a blocked PIN cannot prove the other's reset
        if status.blocked and not (auth.blocked and sign.blocked):
            reasons.append(Reason(_code(pin, "pin-blocked"), reset_ruled_out))
        elif status.tries_left is None and not status.verified and not status.not_set:
            reasons.append(Reason(_code(pin, "pin-tries-unknown"), reset_ruled_out))
        elif status.last_try:
            reasons.append(Reason(_code(pin, "pin-last-try"), (), window=False))
    for pin in WINDOW_ONLY_PINS:
        status = report.pins.get(pin)
        if status is not None and status.blocked:
            reasons.append(Reason(_code(pin, "pin-blocked"), (pin,)))  # never a kiosk reset
    return reasons


def _maybe_face_authentication(report: CardReport) -> bool:
    """The user-authentication PIN blocked, and the signing PIN blocked or absent with its
    certificate: how a face-authentication card (PINs locked) answers, as far as the card says."""
    auth, sign = report.pins[PinKind.AUTH], report.pins[PinKind.SIGN]
    return auth.blocked and (sign.blocked or not report.info.has_sign_certificate)


def proof_target(proof: PinKind) -> PinKind:
    """The PIN whose reset ``proof`` proves (the inverse of ``proof_pin_for``)."""
    return proof_pin_for(proof)


def _certificate_reasons(
    pin: PinKind, summary: CertificateSummary, now: datetime, revocation: RevocationCheck | None
) -> list[Reason]:
    if summary.not_before is None or summary.not_after is None or summary.der is None:
        # The signing certificate is read only after its PIN: the kiosk checks it, not us.
        return [Reason(ReasonCode.SIGN_CERTIFICATE_UNCHECKED, (), window=False)]
    # An unusable certificate rules out both resets: it is either the proof or the one reset.
    reasons: list[Reason] = []
    standing = certificate_standing(summary.not_before, summary.not_after, now)
    if standing is not CertificateStanding.VALID:
        # Renewal due is a note; expired or not yet valid rules out both resets.
        note = standing is CertificateStanding.RENEWAL_DUE
        code = _code(pin, f"certificate-{standing.value}")
        reasons.append(Reason(code, () if note else RESETTABLE_PINS, window=not note))
    checked = revocation(summary.der) if revocation is not None else Revocation.UNKNOWN
    if checked is Revocation.MALFORMED:
        reasons.append(Reason(_code(pin, "certificate-malformed"), RESETTABLE_PINS))
    elif checked is Revocation.REVOKED:
        reasons.append(Reason(_code(pin, "certificate-revoked"), RESETTABLE_PINS))
    elif checked is Revocation.NO_CRL:
        reasons.append(Reason(ReasonCode.REVOCATION_NO_CRL, (), window=False))
    elif checked is Revocation.UNKNOWN:
        reasons.append(Reason(ReasonCode.REVOCATION_UNCHECKED, (), window=False))
    return reasons


def _code(pin: PinKind, finding: str) -> ReasonCode:
    """``auth`` + ``pin-blocked`` -> ``ReasonCode.AUTH_PIN_BLOCKED``."""
    return ReasonCode(f"{pin.value}-{finding}")


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen: dict[ReasonCode, Reason] = {}
    for reason in reasons:
        seen.setdefault(reason.code, reason)
    return list(seen.values())


def _verdict(reasons: list[Reason]) -> Triage:
    kiosk = tuple(pin for pin in RESETTABLE_PINS if not any(pin in r.pins for r in reasons))
    if not kiosk:
        return Triage(Verdict.WINDOW, kiosk, tuple(reasons))  # the window, whatever this terminal trusts
    if any(r.code is ReasonCode.ISSUER_NOT_TRUSTED for r in reasons):
        return Triage(Verdict.ISSUER_NOT_TRUSTED, kiosk, tuple(reasons))
    return Triage(Verdict.KIOSK, kiosk, tuple(reasons))


# --- status --json ---------------------------------------------------------------------------------

# Short English for ``jpki-reset status``; the TUI words the codes itself, in both languages.
REASON_TEXT: dict[ReasonCode, str] = {
    ReasonCode.NOT_A_MY_NUMBER_CARD: "not a My Number Card: go to the municipal window",
    ReasonCode.JUKI_CARD: "old Basic Resident Register card (juki card): not handled, go to the window",
    ReasonCode.PHONE_TOKEN: "smartphone certificate: not handled here",
    ReasonCode.FACE_AUTHENTICATION_CARD: (
        "face-authentication card (a card without PINs to use): its PINs cannot be used; window only"
    ),
    ReasonCode.FACE_AUTHENTICATION_POSSIBLE: (
        "may be a face-authentication card (its PINs are locked): check with the resident; window only"
    ),
    ReasonCode.NO_SIGN_CERTIFICATE: "no signing certificate on the card: neither PIN can be reset at a kiosk",
    ReasonCode.NO_AUTH_CERTIFICATE: "no user-authentication certificate on the card",
    ReasonCode.BOTH_PINS_BLOCKED: "both PINs are blocked: window only",
    ReasonCode.AUTH_PIN_BLOCKED: "user-authentication PIN blocked: it cannot prove a signing-PIN reset",
    ReasonCode.SIGN_PIN_BLOCKED: "signing PIN blocked: it cannot prove a user-authentication-PIN reset",
    ReasonCode.AUTH_PIN_TRIES_UNKNOWN: "the card did not give the user-authentication PIN's tries",
    ReasonCode.SIGN_PIN_TRIES_UNKNOWN: "the card did not give the signing PIN's tries",
    ReasonCode.AUTH_PIN_LAST_TRY: "user-authentication PIN: one try left",
    ReasonCode.SIGN_PIN_LAST_TRY: "signing PIN: one try left",
    ReasonCode.JUKI_PIN_BLOCKED: "resident-registry PIN blocked: reset only at the window",
    ReasonCode.KENMEN_PIN_BLOCKED: "card-info input PIN blocked: reset only at the window",
    ReasonCode.NEITHER_PIN_KNOWN: "the resident knows neither PIN: window only",
    ReasonCode.DETAILS_CHANGED: (
        "name, address, date of birth or sex changed since the card was issued: the signing"
        " certificate was revoked; a new one is issued at the window"
    ),
    ReasonCode.LOSS_REPORTED: "a loss of the card was reported: its certificates are suspended; window only",
    ReasonCode.CARD_EXPIRED: "the card itself has expired (the date on its face): window only",
    ReasonCode.AUTH_CERTIFICATE_EXPIRED: "user-authentication certificate expired",
    ReasonCode.SIGN_CERTIFICATE_EXPIRED: "signing certificate expired",
    ReasonCode.AUTH_CERTIFICATE_NOT_YET_VALID: "user-authentication certificate not yet valid",
    ReasonCode.SIGN_CERTIFICATE_NOT_YET_VALID: "signing certificate not yet valid",
    ReasonCode.AUTH_CERTIFICATE_REVOKED: "user-authentication certificate revoked",
    ReasonCode.SIGN_CERTIFICATE_REVOKED: "signing certificate revoked (e.g. after a move)",
    ReasonCode.AUTH_CERTIFICATE_MALFORMED: "user-authentication certificate unreadable (it does not decode)",
    ReasonCode.SIGN_CERTIFICATE_MALFORMED: "signing certificate unreadable (it does not decode)",
    ReasonCode.AUTH_CERTIFICATE_RENEWAL_DUE: "user-authentication certificate expires within 3 months",
    ReasonCode.SIGN_CERTIFICATE_RENEWAL_DUE: "signing certificate expires within 3 months",
    ReasonCode.SIGN_CERTIFICATE_UNCHECKED: "signing certificate not checked (needs the signing PIN)",
    ReasonCode.REVOCATION_UNCHECKED: "revocation not checked here: no revocation list for this issuer",
    ReasonCode.REVOCATION_NO_CRL: (
        "no CRL is configured for this card's issuer: revocation is NOT checked"
        " (add one with jpki-reset trust crl FINGERPRINT FILE)"
    ),
    ReasonCode.ISSUER_NOT_TRUSTED: (
        "this terminal does not trust the card's issuer: compare its CA fingerprints with the"
        " issuer's published ones and run jpki-reset trust add --reader SPEC"
    ),
}


def summary_text(result: Triage) -> str:
    if result.verdict is Verdict.WINDOW:
        return "go to the municipal window"
    if result.verdict is Verdict.ISSUER_NOT_TRUSTED:
        return "the card's issuer is not trusted on this terminal: no step can start here yet"
    return "kiosk path possible for the " + " and the ".join(p.label for p in result.kiosk_pins)


def triage_json(
    report: CardReport,
    now: datetime,
    revocation: RevocationCheck | None = None,
    issuer: IssuerCheck | None = None,
) -> dict[str, Any]:
    """The ``triage`` object of ``jpki-reset status --json``."""
    result = triage(report, now, revocation, issuer)
    return {
        "verdict": result.verdict.value,
        "kiosk_pins": [p.value for p in result.kiosk_pins],
        "window_only_pins": [p.value for p in WINDOW_ONLY_PINS],
        "reasons": [
            {
                "code": r.code.value,
                "window": r.window,
                "pins": [p.value for p in r.pins],
                "text": REASON_TEXT[r.code],
            }
            for r in result.reasons
        ],
        "summary": summary_text(result),
        "checked_at": now.isoformat(),
    }
