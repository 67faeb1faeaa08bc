"""Triage before any PIN: the kiosk path (and for which PIN) or the municipal window, with every
reason that applies. Training cards give the real card answers; a few edge cases are built."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from readers.card_check import CardReport, check_card
from readers.connection import CardConnection
from readers.emulated import EmulatedReader
from readers.jpki import CertificateKind, PinKind, PinStatus
from readers.pin import Pin
from readers.training_card.profiles import SIGN_PIN
from reset_flow.clock import JST
from reset_flow.triage import ReasonCode, Verdict, triage, triage_json
from reset_flow.trust_setup import training_trust

R = ReasonCode
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
SIGN, AUTH = PinKind.SIGN, PinKind.AUTH


async def report_of(profile: str, sign_pin: str | None = None) -> CardReport:
    reader = EmulatedReader(profile)
    await reader.connect()
    try:
        return await check_card(CardConnection(reader), Pin(sign_pin) if sign_pin else None)
    finally:
        await reader.disconnect()


def window_codes(profile_triage) -> set[ReasonCode]:  # type: ignore[no-untyped-def]
    return {r.code for r in profile_triage.reasons if r.window}


@pytest.mark.parametrize(
    ("profile", "verdict", "kiosk_pins", "window"),
    [
        ("adult", Verdict.KIOSK, (SIGN, AUTH), set()),
        ("one-try-left", Verdict.KIOSK, (SIGN, AUTH), set()),
        ("sign-blocked", Verdict.KIOSK, (SIGN,), {R.SIGN_PIN_BLOCKED}),
        ("auth-blocked", Verdict.KIOSK, (AUTH,), {R.AUTH_PIN_BLOCKED}),
        ("both-blocked", Verdict.WINDOW, (), {R.BOTH_PINS_BLOCKED, R.FACE_AUTHENTICATION_POSSIBLE}),
        ("under-15", Verdict.WINDOW, (), {R.NO_SIGN_CERTIFICATE}),
        ("face-auth", Verdict.WINDOW, (), {R.FACE_AUTHENTICATION_CARD, R.NO_SIGN_CERTIFICATE}),
        ("expired", Verdict.WINDOW, (), {R.AUTH_CERTIFICATE_EXPIRED}),
        ("juki-card", Verdict.WINDOW, (), {R.JUKI_CARD}),
    ],
)
async def test_training_profiles(profile: str, verdict: Verdict, kiosk_pins: tuple, window: set) -> None:
    result = triage(await report_of(profile), NOW, training_trust().revocation_of)
    assert result.verdict is verdict
    assert result.kiosk_pins == kiosk_pins
    assert window_codes(result) == window


async def test_the_last_try_is_a_note_not_a_refusal() -> None:
    result = triage(await report_of("one-try-left"), NOW)
    last = [r for r in result.reasons if r.code is R.AUTH_PIN_LAST_TRY]
    assert last and not last[0].window and last[0].pins == ()


async def test_signing_certificate_unchecked_without_its_pin_and_revoked_with_it() -> None:
    unread = triage(await report_of("sign-revoked"), NOW, training_trust().revocation_of)
    assert unread.verdict is Verdict.KIOSK
    assert R.SIGN_CERTIFICATE_UNCHECKED in {r.code for r in unread.reasons}
    read = triage(await report_of("sign-revoked", SIGN_PIN), NOW, training_trust().revocation_of)
    assert read.verdict is Verdict.WINDOW
    assert R.SIGN_CERTIFICATE_REVOKED in window_codes(read)
    # The same card read by someone without the revocation list: not silently called good.
    blind = triage(await report_of("sign-revoked", SIGN_PIN), NOW)
    assert R.REVOCATION_UNCHECKED in {r.code for r in blind.reasons}


async def test_adult_with_signing_pin_is_clean() -> None:
    result = triage(await report_of("adult", SIGN_PIN), NOW, training_trust().revocation_of)
    assert result.verdict is Verdict.KIOSK
    assert R.SIGN_CERTIFICATE_REVOKED not in {r.code for r in result.reasons}


def _with_pin(report: CardReport, kind: PinKind, status: PinStatus) -> CardReport:
    return report._replace(pins={**report.pins, kind: status})


async def test_window_only_pins_blocked_do_not_close_the_kiosk_path() -> None:
    report = _with_pin(await report_of("adult"), PinKind.JUKI, PinStatus(0, 3))
    result = triage(report, NOW)
    assert result.verdict is Verdict.KIOSK
    juki = [r for r in result.reasons if r.code is R.JUKI_PIN_BLOCKED]
    assert juki and juki[0].pins == (PinKind.JUKI,) and juki[0].window


async def test_a_card_whose_pins_answer_blocked_may_be_a_face_authentication_card() -> None:
    """The guidebooks: a face-authentication card's PINs are locked. Such a card answers "blocked"
    for the user-authentication PIN, and has no signing certificate or a blocked signing PIN; the
    verdict stays the window, and the possibility is said as one."""
    no_sign = _with_pin(await report_of("under-15"), AUTH, PinStatus(0, 3))
    both = await report_of("both-blocked")
    for report in (no_sign, both):
        result = triage(report, NOW)
        assert result.verdict is Verdict.WINDOW
        assert R.FACE_AUTHENTICATION_POSSIBLE in window_codes(result)
        assert R.FACE_AUTHENTICATION_CARD not in window_codes(result)  # not said as a finding
    for profile in ("auth-blocked", "under-15", "face-auth"):  # one PIN open, or PINs not set
        assert R.FACE_AUTHENTICATION_POSSIBLE not in {
            r.code for r in triage(await report_of(profile), NOW).reasons
        }


async def test_unknown_tries_rule_out_what_that_pin_would_prove() -> None:
    report = _with_pin(await report_of("adult"), AUTH, PinStatus(None, 3))
    result = triage(report, NOW)
    assert result.kiosk_pins == (AUTH,)
    assert R.AUTH_PIN_TRIES_UNKNOWN in window_codes(result)


@pytest.mark.parametrize(
    ("now", "code", "verdict"),
    [
        (datetime(2030, 11, 1, tzinfo=JST), R.AUTH_CERTIFICATE_RENEWAL_DUE, Verdict.KIOSK),
        (datetime(2025, 12, 1, tzinfo=JST), R.AUTH_CERTIFICATE_NOT_YET_VALID, Verdict.WINDOW),
        (datetime(2031, 1, 10, 9, 0, tzinfo=JST), R.AUTH_CERTIFICATE_EXPIRED, Verdict.WINDOW),
    ],
)
async def test_certificate_dates(now: datetime, code: ReasonCode, verdict: Verdict) -> None:
    result = triage(await report_of("adult"), now)
    assert code in {r.code for r in result.reasons}
    assert result.verdict is verdict


async def test_one_second_past_the_end_is_expired() -> None:
    report = await report_of("adult")
    end = report.certificates[CertificateKind.AUTH].not_after
    assert end is not None
    assert triage(report, end).verdict is Verdict.KIOSK
    assert triage(report, end + timedelta(seconds=1)).verdict is Verdict.WINDOW


async def test_status_json_object() -> None:
    data = triage_json(await report_of("sign-blocked"), NOW, training_trust().revocation_of)
    assert data["verdict"] == "kiosk"
    assert data["kiosk_pins"] == ["sign"]
    assert "sign-pin-blocked" in [r["code"] for r in data["reasons"]]
    assert all(r["text"] for r in data["reasons"])
    assert data["window_only_pins"] == ["juki", "kenmen"]
    window = triage_json(await report_of("both-blocked"), NOW)
    assert window["verdict"] == "window" and window["kiosk_pins"] == []
    assert window["summary"] == "go to the municipal window"
