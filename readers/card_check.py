"""The card check: what a card says about itself, gathered without spending any PIN try, and,
when asked, with the signing PIN to read the signing certificate.

Whatever happens to the signing PIN, the check is whole: the PIN's outcome is one more finding of
the report (``SignPinCheck``), never a reason to throw the rest away.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from readers.card_info import CardInfoSession
from readers.connection import CardConnection
from readers.errors import CardError, LastTryNotConfirmed, MalformedResponse, PinBlocked, PinNotSet, WrongPin
from readers.jpki import CardInfo, CardKind, CertificateKind, JpkiSession, PinKind, PinStatus
from readers.pin import Pin
from readers.pins import LastTryConfirmation
from readers.resident_registry import ResidentRegistrySession


class CertificateSummary(NamedTuple):
    """One certificate of the card: whether it is there and, once read, its dates and subject."""

    present: bool
    not_before: datetime | None = None
    not_after: datetime | None = None
    subject: str | None = None
    der: bytes | None = None


class SignPinOutcome(StrEnum):
    VERIFIED = "verified"  # right: the signing certificate was read
    ALREADY_VERIFIED = "already-verified"  # the card held it verified: not sent, certificate read
    WRONG = "wrong"  # the card counted a try
    BLOCKED = "blocked"  # blocked before (not sent), or by this wrong last try
    LAST_TRY_DECLINED = "last-try-declined"  # one try left and the person said no: not sent
    LAST_TRY_NO_TERMINAL = "last-try-no-terminal"  # one try left, nobody to ask: not sent
    NOT_SET = "not-set"  # the card has no signing PIN (face authentication): not sent
    NO_CERTIFICATE = "no-certificate"  # no signing certificate on the card: not sent


_NOT_SENT_REASONS = {
    SignPinOutcome.ALREADY_VERIFIED: "the card says the signing PIN is verified in this session: not sent",
    SignPinOutcome.BLOCKED: "the signing PIN is blocked: it was not sent",
    SignPinOutcome.LAST_TRY_DECLINED: "the signing PIN has one try left and it was not confirmed: not sent",
    SignPinOutcome.LAST_TRY_NO_TERMINAL: (
        "the signing PIN has one try left and there is no terminal to confirm on: not sent "
        "(run status on a terminal to be asked)"
    ),
    SignPinOutcome.NOT_SET: "this card has no signing PIN set: not sent",
    SignPinOutcome.NO_CERTIFICATE: "this card has no signing certificate: the PIN was not sent",
}


class SignPinCheck(NamedTuple):
    """What became of the signing PIN given to the card check."""

    outcome: SignPinOutcome
    sent: bool  # whether the PIN went to the card
    error: CardError | None = None  # the card's refusal (wrong, blocked, ...), for the exit code

    @property
    def reason(self) -> str:
        if self.outcome is SignPinOutcome.VERIFIED:
            return "the signing PIN was right: the signing certificate was read"
        if self.outcome is SignPinOutcome.WRONG:
            return f"the signing PIN was wrong: {getattr(self.error, 'tries_left', '?')} tries left"
        if self.outcome is SignPinOutcome.BLOCKED and self.sent:
            return "the signing PIN was wrong at its last try: it is now blocked"
        return _NOT_SENT_REASONS[self.outcome]


class CardReport(NamedTuple):
    """What a card check found: the card, its PINs' tries, its certificates, the signing PIN's check."""

    info: CardInfo
    pins: dict[PinKind, PinStatus]
    certificates: dict[CertificateKind, CertificateSummary]
    sign_pin: SignPinCheck | None = None  # only when a signing PIN was given
    warnings: tuple[str, ...] = ()  # card answers worth a note that did not stop the check

    @property
    def face_authentication(self) -> bool:
        """A face-authentication card: a My Number Card with no user-authentication PIN set."""
        return self.info.kind is CardKind.MY_NUMBER_CARD and self.pins[PinKind.AUTH].not_set


def summarise_certificate(der: bytes) -> CertificateSummary:
    # Imported here, when a card's certificate is read: cryptography's x509 is a large part of
    # the TUI's start, whose first screen reads no card.
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
        return CertificateSummary(
            present=True,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            subject=cert.subject.rfc4514_string(),
            der=der,
        )
    except (ValueError, x509.InvalidVersion):  # cryptography's ways of saying "does not decode"
        raise MalformedResponse("the card holds a certificate that cannot be parsed") from None


async def check_card(
    connection: CardConnection,
    sign_pin: Pin | None = None,
    *,
    confirm_last_try: LastTryConfirmation | None = None,  # None: nobody to ask, never the last try
) -> CardReport:
    """Card kind, tries left of all four PINs, both certificates.

    The signing certificate can only be read after the signing PIN is verified; without
    ``sign_pin`` its dates stay unknown. With it, one try is at stake, so the usual rules apply:
    the PIN is not sent when blocked, and at its last try only when ``confirm_last_try`` says a
    person confirmed it.
    """
    card = JpkiSession(connection)
    info = await card.detect()
    pins = {kind: await card.pin_status(kind) for kind in (PinKind.AUTH, PinKind.SIGN)}
    certificates: dict[CertificateKind, CertificateSummary] = {
        CertificateKind.AUTH: CertificateSummary(False),
        CertificateKind.SIGN: CertificateSummary(info.has_sign_certificate),
    }
    if info.has_auth_certificate:
        certificates[CertificateKind.AUTH] = summarise_certificate(
            await card.read_certificate(CertificateKind.AUTH)
        )
    sign_check = None
    if sign_pin is not None:
        sign_check = await _try_sign_pin(card, info, pins[PinKind.SIGN], sign_pin, confirm_last_try)
        if sign_check.outcome in (SignPinOutcome.VERIFIED, SignPinOutcome.ALREADY_VERIFIED):
            certificates[CertificateKind.SIGN] = summarise_certificate(
                await card.read_certificate(CertificateKind.SIGN)
            )
        pins[PinKind.SIGN] = _sign_status_after(sign_check, pins[PinKind.SIGN])
    # The window-only PINs live in other applications: read them last, one SELECT each.
    pins[PinKind.JUKI] = await ResidentRegistrySession(connection).pin_status()
    pins[PinKind.KENMEN] = await CardInfoSession(connection).pin_status()
    return CardReport(info, pins, certificates, sign_check, tuple(connection.warnings))


async def _try_sign_pin(
    card: JpkiSession,
    info: CardInfo,
    status: PinStatus,
    pin: Pin,
    confirm_last_try: LastTryConfirmation | None,
) -> SignPinCheck:
    if not info.has_sign_certificate:
        return SignPinCheck(SignPinOutcome.NO_CERTIFICATE, sent=False)
    if status.verified:
        return SignPinCheck(SignPinOutcome.ALREADY_VERIFIED, sent=False)
    confirmed = False
    if status.last_try:
        if confirm_last_try is None:
            return SignPinCheck(SignPinOutcome.LAST_TRY_NO_TERMINAL, sent=False, error=_last_try_error())
        if not confirm_last_try(PinKind.SIGN):
            return SignPinCheck(SignPinOutcome.LAST_TRY_DECLINED, sent=False, error=_last_try_error())
        confirmed = True
    try:
        await card.verify(PinKind.SIGN, pin, confirm_last_try=confirmed)
    except WrongPin as wrong:
        return SignPinCheck(SignPinOutcome.WRONG, sent=True, error=wrong)
    except PinBlocked as blocked:
        # Sent only when the card had tries left: then this wrong try was the last one.
        return SignPinCheck(SignPinOutcome.BLOCKED, sent=not status.blocked, error=blocked)
    except PinNotSet as not_set:
        return SignPinCheck(SignPinOutcome.NOT_SET, sent=False, error=not_set)
    return SignPinCheck(SignPinOutcome.VERIFIED, sent=True)


def _last_try_error() -> LastTryNotConfirmed:
    return LastTryNotConfirmed("the signing PIN has one try left and its use was not confirmed: not sent")


def _sign_status_after(check: SignPinCheck, before: PinStatus) -> PinStatus:
    """The signing PIN's state after the check, without another round trip to the card."""
    top = PinKind.SIGN.max_tries
    if check.outcome is SignPinOutcome.VERIFIED:
        return PinStatus(top, top, verified=True)  # a correct VERIFY restores the full count
    if check.outcome is SignPinOutcome.WRONG and isinstance(check.error, WrongPin):
        return PinStatus(check.error.tries_left, top)
    if check.outcome is SignPinOutcome.BLOCKED:
        return PinStatus(0, top)
    return before


def report_json(report: CardReport) -> dict[str, Any]:
    """The ``status --json`` object of docs/readers.md (without ``triage``, which reset_flow adds)."""

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    data: dict[str, Any] = {
        "card": {
            "kind": report.info.kind.value,
            "token": report.info.token,
            "face_authentication": report.face_authentication,
        },
        "pins": {
            kind.value: {
                "tries_left": status.tries_left,
                "max_tries": status.max_tries,
                "blocked": status.blocked,
                "set": not status.not_set,
                "verified": status.verified,
            }
            for kind, status in report.pins.items()
        },
        "certificates": {
            kind.value: {
                "present": summary.present,
                "not_before": when(summary.not_before),
                "not_after": when(summary.not_after),
                "subject": summary.subject,
            }
            for kind, summary in report.certificates.items()
        },
        "warnings": list(report.warnings),
    }
    if report.sign_pin is not None:
        check = report.sign_pin
        data["sign_pin"] = {"outcome": check.outcome.value, "sent": check.sent, "reason": check.reason}
    return data
