"""The card check: what a card says about itself, gathered without spending any PIN try."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509

from readers.errors import MalformedResponse
from readers.jpki import CardInfo, CardKind, CertificateKind, JpkiCard, PinKind, PinStatus
from readers.pin import Pin


@dataclass(frozen=True)
class CertificateSummary:
    present: bool
    not_before: datetime | None = None
    not_after: datetime | None = None
    subject: str | None = None
    der: bytes | None = None


@dataclass(frozen=True)
class CardReport:
    info: CardInfo
    pins: dict[PinKind, PinStatus]
    certificates: dict[CertificateKind, CertificateSummary]

    @property
    def face_authentication(self) -> bool:
        """A face-authentication card: a My Number Card with no user-authentication PIN set."""
        return self.info.kind is CardKind.MY_NUMBER_CARD and self.pins[PinKind.AUTH].not_set


def summarise_certificate(der: bytes) -> CertificateSummary:
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


async def check_card(card: JpkiCard, sign_pin: Pin | None = None) -> CardReport:
    """Card kind, tries left of all four PINs, both certificates.

    The signing certificate can only be read after the signing PIN is verified; without
    ``sign_pin`` its dates stay unknown. With it, one try is at stake, so the usual rules apply
    (the PIN is not sent when blocked or at its last try).
    """
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
    if info.has_sign_certificate and sign_pin is not None:
        await card.verify(PinKind.SIGN, sign_pin)
        # A correct VERIFY restores the full count.
        pins[PinKind.SIGN] = PinStatus(PinKind.SIGN.max_tries, PinKind.SIGN.max_tries, verified=True)
        certificates[CertificateKind.SIGN] = summarise_certificate(
            await card.read_certificate(CertificateKind.SIGN)
        )
    # The window-only PINs live in other applications: read them last, one SELECT each.
    for kind in (PinKind.JUKI, PinKind.KENMEN):
        pins[kind] = await card.pin_status(kind)
    return CardReport(info, pins, certificates)


def report_json(report: CardReport) -> dict[str, Any]:
    """The ``status --json`` object of docs/readers.md (without ``triage``, which reset_flow adds)."""

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
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
    }
