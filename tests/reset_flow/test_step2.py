"""Step 2 driven as a UI would, after a real step 1, against training cards and the in-process
service: the reset itself, the window and the 24 h by the service's clock, a real card's stop."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from readers.errors import WrongPin
from readers.jpki import JpkiSession, PinKind
from readers.jpki_applet import EF_AUTH_PIN, EF_SIGN_PIN
from readers.pin import Pin
from readers.training_card.issuer import TrainingIssuer
from reset_flow.client import ReservationClient
from reset_flow.clock import JST, FixedClock
from reset_flow.pin_rules import PinProblem
from reset_flow.states import (
    ChooseReservation,
    GoToWindow,
    KioskClosed,
    NeedNewPin,
    NeedPin,
    NoReservation,
    ReservationExpired,
    ReservationUsed,
    ResetDone,
    StoppedBeforeIssuerCommand,
)
from reset_flow.step2 import Step2
from reset_flow.triage import ReasonCode
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust
from tests.reset_flow.conftest import NEW_PIN, OPEN_MORNING, PROOF_PIN, WatchedReader, flaky_service, reserve

SIGN, AUTH = PinKind.SIGN, PinKind.AUTH
PIN_FILE = {SIGN: EF_SIGN_PIN, AUTH: EF_AUTH_PIN}
ISSUER_COMMANDS = (0x84, 0x82, 0x2C)  # GET CHALLENGE, EXTERNAL AUTHENTICATE, RESET RETRY COUNTER


async def card_accepts(reader: WatchedReader, kind: PinKind, pin: Pin) -> int | None:
    """Verify ``pin`` on the card directly; return the tries it shows afterwards."""
    await reader.connect()
    try:
        card = JpkiSession.on(reader)
        await card.verify(kind, pin)
        await reader.disconnect()
        await reader.connect()
        return (await JpkiSession.on(reader).pin_status(kind)).tries_left
    finally:
        await reader.disconnect()


async def at_new_pin(reader: WatchedReader, service: ReservationClient, clock: FixedClock, after=None):  # type: ignore[no-untyped-def]
    """Step 1 for the signing PIN, then step 2 up to the new PIN (``after`` runs in between)."""
    made = await reserve(reader, service, clock, SIGN)
    if after is not None:
        after()
    flow = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
    await flow.start()
    assert isinstance(await flow.enter_pin(PROOF_PIN[SIGN]), NeedNewPin)
    return made, flow


@pytest.mark.parametrize(
    ("profile", "reset"), [("sign-blocked", SIGN), ("auth-blocked", AUTH), ("adult", SIGN)]
)
async def test_full_reset_in_process(profile: str, reset: PinKind, service: ReservationClient, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader(profile)
    made = await reserve(reader, service, clock, reset)
    clock.advance(timedelta(hours=3))
    flow = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
    asked = await flow.start()
    assert isinstance(asked, NeedPin) and asked.reset is reset
    new_pin = await flow.enter_pin(PROOF_PIN[reset])
    assert new_pin == NeedNewPin(reset, new_pin.format, (), made.deadline)
    done = await flow.enter_new_pin(NEW_PIN[reset], NEW_PIN[reset])
    assert done == ResetDone(reset, reset.max_tries, reset.max_tries, recorded=True)
    assert reader.tries(PIN_FILE[reset]) == reset.max_tries
    assert await card_accepts(reader, reset, NEW_PIN[reset]) == reset.max_tries
    # The reservation is used up: the same card is told so, with when.
    again = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
    assert again == ReservationUsed(reset, clock.now())


async def test_no_reservation_no_pin(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    assert await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start() == NoReservation()
    assert reader.count(0x20, with_data=True) == 0


@pytest.mark.parametrize(
    ("hour", "minute", "second", "is_open"),
    [(6, 29, 59, False), (6, 30, 0, True), (22, 59, 59, True), (23, 0, 0, False)],
)
async def test_kiosk_window_by_the_service_clock(hour, minute, second, is_open, service, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("sign-blocked")
    made = await reserve(reader, service, clock, SIGN)
    moment = datetime(2026, 12, 1, hour, minute, second, tzinfo=JST)
    if moment < OPEN_MORNING:
        moment += timedelta(days=1)  # the next morning, still within the 24 h
    clock.set(moment)
    state = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
    if is_open:
        assert isinstance(state, NeedPin)
    else:
        assert isinstance(state, KioskClosed) and state.deadline == made.deadline
        assert state.next_opening.astimezone(JST).time().isoformat() == "06:30:00"
        assert state.next_opening > moment
        assert reader.count(0x20, with_data=True) == 1  # only step 1's


async def test_kiosk_closes_between_pin_and_reset(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("sign-blocked")
    _, flow = await at_new_pin(
        reader, service, clock, after=lambda: clock.set(datetime(2026, 12, 1, 22, 59, 59, tzinfo=JST))
    )
    clock.advance(timedelta(seconds=1))
    closed = await flow.enter_new_pin(NEW_PIN[SIGN], NEW_PIN[SIGN])
    assert closed == KioskClosed(datetime(2026, 12, 2, 6, 30, tzinfo=JST), OPEN_MORNING + timedelta(hours=24))
    assert reader.tries(EF_SIGN_PIN) == 0  # still blocked: nothing was reset
    assert reader.count(0x2C) == 0


@pytest.mark.parametrize(
    ("after", "expired"), [(timedelta(hours=24) - timedelta(seconds=1), False), (timedelta(hours=24), True)]
)
async def test_reservation_life_by_the_service_clock(after, expired, service, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("sign-blocked")
    made = await reserve(reader, service, clock, SIGN)
    clock.advance(after)
    state = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
    if expired:
        assert state == ReservationExpired(SIGN, made.deadline)
    else:
        assert isinstance(state, NeedPin)


async def test_expiry_between_pin_and_reset(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("sign-blocked")
    made, flow = await at_new_pin(
        reader, service, clock, after=lambda: clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    )
    clock.advance(timedelta(seconds=1))
    assert await flow.enter_new_pin(NEW_PIN[SIGN], NEW_PIN[SIGN]) == ReservationExpired(SIGN, made.deadline)
    assert reader.count(0x2C) == 0


async def test_new_pin_problems_are_codes_and_touch_nothing(
    service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader("sign-blocked")
    _, flow = await at_new_pin(reader, service, clock)
    mismatch = await flow.enter_new_pin(Pin("NEWPIN42"), Pin("NEWPIN43"))
    assert isinstance(mismatch, NeedNewPin) and mismatch.problems == (PinProblem.MISMATCH,)
    lower = await flow.enter_new_pin(Pin("newpin42"), Pin("newpin42"))
    assert isinstance(lower, NeedNewPin) and lower.problems == (PinProblem.LOWER_CASE,)
    assert reader.count(0x2C) == 0 and reader.count(0x84) == 0
    assert isinstance(await flow.enter_new_pin(Pin("NEWPIN42"), Pin("NEWPIN42")), ResetDone)


async def test_the_new_pin_may_equal_the_old_one(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    _, flow = await at_new_pin(reader, service, clock)
    assert isinstance(await flow.enter_new_pin(Pin("TRAIN1234"), Pin("TRAIN1234")), ResetDone)


async def test_two_reservations_one_card(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    await reserve(reader, service, clock, SIGN)
    await reserve(reader, service, clock, AUTH)
    flow = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
    choose = await flow.start()
    assert choose == ChooseReservation((SIGN, AUTH))
    asked = await flow.choose_reservation(AUTH)
    assert isinstance(asked, NeedPin) and asked.pin is SIGN


async def test_proof_pin_blocked_since_step_one(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    await reserve(reader, service, clock, SIGN)
    await reader.connect()
    card = JpkiSession.on(reader)
    for attempt in range(3):
        with pytest.raises(Exception) as raised:
            await card.verify(AUTH, Pin("9999"), confirm_last_try=attempt == 2)
        assert attempt == 2 or isinstance(raised.value, WrongPin)
    await reader.disconnect()
    state = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
    assert isinstance(state, GoToWindow)
    assert [r.code for r in state.reasons] == [ReasonCode.AUTH_PIN_BLOCKED]


async def test_card_lifted_after_the_reset_is_not_reset_twice(
    service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader("sign-blocked")
    _, flow = await at_new_pin(reader, service, clock)
    seen_reset = False

    def after_reset(command: bytes) -> bool:
        nonlocal seen_reset
        seen_reset = seen_reset or command[1] == 0x2C
        return seen_reset and command[1] == 0x20  # the tries read-back after the reset

    reader.lift_when = after_reset
    lifted = await flow.enter_new_pin(NEW_PIN[SIGN], NEW_PIN[SIGN])
    assert lifted.name == "card-removed"
    reader.insert_card()
    done = await flow.resume()
    assert done == ResetDone(SIGN, 5, 5, recorded=True)
    assert reader.count(0x2C) == 1
    again = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
    assert isinstance(again, ReservationUsed) and again.reset is SIGN


async def test_completion_unanswered_then_recorded(tmp_path: Path, clock: FixedClock) -> None:
    client, link = flaky_service(tmp_path / "db", clock)
    reader = WatchedReader("sign-blocked")
    _, flow = await at_new_pin(reader, client, clock)
    link.lose_answer_to += ["/completion", "/completion"]  # the client's own repeat is lost too
    done = await flow.enter_new_pin(NEW_PIN[SIGN], NEW_PIN[SIGN])
    assert done == ResetDone(SIGN, 5, 5, recorded=False, completion_code="service-unreachable")
    recorded = await flow.record_completion()
    assert recorded == ResetDone(SIGN, 5, 5, recorded=True)
    completions = [r for r in link.requests if r.url.path.endswith("/completion")]
    assert len({r.headers["Idempotency-Key"] for r in completions}) == 1 and len(completions) == 3
    await client.aclose()


async def test_real_card_stops_before_the_issuer_command(tmp_path: Path, clock: FixedClock) -> None:
    """A card whose issuer the service trusts but holds no reset authority for (as with J-LIS):
    every check runs, and nothing is sent that only the issuer may authorise."""
    real_issuers = TrustAnchors(
        tuple(dataclasses.replace(a, resettable=False) for a in training_trust().anchors),
        reset_master_key=None,
    )
    client, _ = flaky_service(tmp_path / "db", clock, trust=real_issuers)
    reader = WatchedReader("sign-blocked")
    _, flow = await at_new_pin(reader, client, clock)
    stopped = await flow.enter_new_pin(NEW_PIN[SIGN], NEW_PIN[SIGN])
    assert isinstance(stopped, StoppedBeforeIssuerCommand) and stopped.reset is SIGN
    assert "proof-signature" in stopped.checks and "kiosk-window" in stopped.checks
    assert [reader.count(ins) for ins in ISSUER_COMMANDS] == [0, 0, 0]
    assert reader.tries(EF_SIGN_PIN) == 0  # untouched: still blocked
    found = await client.reservations_for(flow.session.identity or b"")
    assert [r.status for r in found.reservations] == ["active"]  # nothing pretended to be used
    await client.aclose()
