"""Certificate validity as the reset sees it: valid, due for renewal (from the day after the date
three months before the end, when renewal becomes possible), expired, or not yet valid; and
whether it was revoked.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from reset_flow.clock import JST

RENEWAL_WARNING_MONTHS = 3


class CertificateStanding(StrEnum):
    VALID = "valid"
    RENEWAL_DUE = "renewal-due"  # still valid; renewal possible and advised
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


class Revocation(StrEnum):
    GOOD = "good"  # checked against a revocation list of its issuer: not on it
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no list for its issuer at hand (its issuer is not known here, ...)
    NO_CRL = "no-crl"  # its issuer is trusted here, but no CRL is configured for it: not checked
    MALFORMED = "malformed"  # the certificate does not decode: nothing can be checked


def renewal_from(not_after: datetime) -> datetime:
    """The moment renewal becomes possible, and the warning starts: the day after the date three
    months before the expiry date (Japan time), from its first moment. A date with no twin three
    months before takes that month's last day (31 May -> 28/29 Feb, so from 1 March)."""
    end = not_after.astimezone(JST)
    month_index = end.month - 1 - RENEWAL_WARNING_MONTHS
    year, month = end.year + month_index // 12, month_index % 12 + 1
    day = min(end.day, calendar.monthrange(year, month)[1])
    three_months_before = date(year, month, day)
    return datetime.combine(three_months_before + timedelta(days=1), time(0, 0), tzinfo=JST)


def certificate_standing(not_before: datetime, not_after: datetime, now: datetime) -> CertificateStanding:
    """X.509 validity is inclusive at both ends."""
    if now < not_before:
        return CertificateStanding.NOT_YET_VALID
    if now > not_after:
        return CertificateStanding.EXPIRED
    if now >= renewal_from(not_after):
        return CertificateStanding.RENEWAL_DUE
    return CertificateStanding.VALID
