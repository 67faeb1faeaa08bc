"""Step 1 driven as a UI would, one call per user step, against training cards and the
in-process service. What the card's counters say is checked on the card itself."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from readers.card_identity import card_identity
from readers.jpki import PinKind
from readers.jpki_applet import EF_AUTH_PIN
from readers.pin import Pin
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki
from reset_flow.client import ReservationClient
from reset_flow.clock import JST, FixedClock
from reset_flow.errors import FlowEventNotAllowed
from reset_flow.pin_rules import PinProblem
from reset_flow.states import (
    AskSigningCertificate,
    CardRemoved,
    ChoosePin,
    ConfirmIdentity,
    ConfirmLastTry,
    DifferentCard,
    GoToWindow,
    NeedPin,
    PinBlocked,
    PinWasWrong,
    ReservationMade,
    ServiceUnavailable,
)
from reset_flow.step1 import Step1
from reset_flow.triage import ReasonCode
from tests.reset_flow.conftest import OPEN_MORNING, WatchedReader, is_verify_with_pin

SIGN, AUTH = PinKind.SIGN, PinKind.AUTH
VERIFY = 0x20


async def at_pin(flow: Step1, reset: PinKind = SIGN) -> NeedPin:
    assert isinstance(await flow.start(), ChoosePin)
    if reset is SIGN:
        assert await flow.choose_pin(reset) == AskSigningCertificate(reset)
        assert await flow.answer_signing_questions(details_changed=False, loss_reported=False) == (
            ConfirmIdentity(reset)
        )
    else:
        assert await flow.choose_pin(reset) == ConfirmIdentity(reset)
    state = await flow.confirm_identity()
    assert isinstance(state, NeedPin)
    return state


async def test_signing_pin_reservation(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("sign-blocked")
    flow = Step1(reader, service, clock)
    chosen = await flow.start()
    assert isinstance(chosen, ChoosePin) and chosen.choices == (SIGN,)
    await flow.choose_pin(SIGN)
    await flow.answer_signing_questions(details_changed=False, loss_reported=False)
    asked = await flow.confirm_identity()
    assert (asked.pin, asked.reset, asked.tries_left, asked.max_tries) == (AUTH, SIGN, 3, 3)
    made = await flow.enter_pin(Pin("1234"))
    assert isinstance(made, ReservationMade)
    assert made.reset is SIGN and made.deadline == OPEN_MORNING + timedelta(hours=24)
    assert made.deadline.utcoffset() == timedelta(hours=9)
    assert made.kiosk_open_now and made.next_opening is None and not made.replaced_earlier
    assert reader.count(VERIFY, with_data=True) == 1


async def test_user_authentication_pin_reservation_is_proven_by_the_signing_pin(
    service: ReservationClient, clock: FixedClock
) -> None:
    flow = Step1(WatchedReader("auth-blocked"), service, clock)
    asked = await at_pin(flow, AUTH)
    assert (asked.pin, asked.tries_left, asked.max_tries) == (SIGN, 5, 5)
    assert asked.format.min_length == 6
    made = await flow.enter_pin(Pin("TRAIN1234"))
    assert isinstance(made, ReservationMade) and made.reset is AUTH


async def test_wrong_pin_spends_one_try_and_is_never_repeated(
    service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader("adult")
    flow = Step1(reader, service, clock)
    await at_pin(flow)
    wrong = await flow.enter_pin(Pin("9999"))
    assert isinstance(wrong, PinWasWrong) and wrong.tries_left == 2
    assert reader.tries(EF_AUTH_PIN) == 2
    assert reader.count(VERIFY, with_data=True) == 1
    made = await flow.enter_pin(Pin("1234"))
    assert isinstance(made, ReservationMade)
    assert reader.tries(EF_AUTH_PIN) == 3  # a right PIN restores the count


async def test_last_try_needs_confirmation_before_anything_is_sent(service: ReservationClient, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("one-try-left")
    flow = Step1(reader, service, clock)
    asked = await at_pin(flow)
    assert asked.tries_left == 1 and asked.last_try
    held = await flow.enter_pin(Pin("9999"))
    assert held == ConfirmLastTry(AUTH, SIGN)
    assert reader.count(VERIFY, with_data=True) == 0 and reader.tries(EF_AUTH_PIN) == 1
    again = await flow.decline_last_try()
    assert isinstance(again, NeedPin) and again.tries_left == 1
    assert reader.count(VERIFY, with_data=True) == 0
    await flow.enter_pin(Pin("9999"))
    blocked = await flow.confirm_last_try()
    assert blocked == PinBlocked(AUTH, SIGN)
    assert reader.count(VERIFY, with_data=True) == 1 and reader.tries(EF_AUTH_PIN) == 0


async def test_last_try_confirmed_with_the_right_pin(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("one-try-left")
    flow = Step1(reader, service, clock)
    await at_pin(flow)
    assert isinstance(await flow.enter_pin(Pin("1234")), ConfirmLastTry)
    assert isinstance(await flow.confirm_last_try(), ReservationMade)
    assert reader.tries(EF_AUTH_PIN) == 3


async def test_card_lifted_during_verify_rereads_tries_and_asks_again(
    service: ReservationClient, clock
) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("adult")
    flow = Step1(reader, service, clock)
    await at_pin(flow)
    reader.lift_when = is_verify_with_pin
    lifted = await flow.enter_pin(Pin("1234"))
    assert isinstance(lifted, CardRemoved) and lifted.during_verify
    assert await flow.resume() == CardRemoved(code="no-card")  # still off the reader
    reader.insert_card()
    sent_before = len(reader.sent)
    asked = await flow.resume()
    assert isinstance(asked, NeedPin) and asked.tries_left == 3
    # The flow read the tries again and sent no PIN on its own.
    resumed = reader.sent[sent_before:]
    assert not any(is_verify_with_pin(c) for c in resumed)
    assert any(c[1] == VERIFY and len(c) == 4 for c in resumed)
    assert isinstance(await flow.enter_pin(Pin("1234")), ReservationMade)


async def test_another_card_put_back_is_refused(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    flow = Step1(reader, service, clock)
    await at_pin(flow)
    reader.lift_when = is_verify_with_pin
    await flow.enter_pin(Pin("1234"))
    first = reader._lifted
    reader.insert_card(TrainingCard("one-try-left"))
    assert await flow.resume() == DifferentCard()
    reader.remove_card()
    reader.insert_card(first)
    assert isinstance(await flow.resume(), NeedPin)


async def test_service_down_then_retry_without_a_second_verify(flaky, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    client, link = flaky
    reader = WatchedReader("adult")
    flow = Step1(reader, client, clock)
    await at_pin(flow)
    link.down = True
    down = await flow.enter_pin(Pin("1234"))
    assert down == ServiceUnavailable("service-unreachable")
    assert await flow.retry() == ServiceUnavailable("service-unreachable")
    link.down = False
    made = await flow.retry()
    assert isinstance(made, ReservationMade)
    assert reader.count(VERIFY, with_data=True) == 1


async def test_answer_lost_after_commit_gives_the_same_single_reservation(
    clock: FixedClock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.reset_flow.conftest import flaky_service

    client, link = flaky_service(tmp_path / "db", clock, attempts=1)  # no silent client repeat
    reader = WatchedReader("adult")
    flow = Step1(reader, client, clock)
    await at_pin(flow)
    link.lose_answer_to.append("/v1/reservations")
    assert isinstance(await flow.enter_pin(Pin("1234")), ServiceUnavailable)
    made = await flow.retry()
    assert isinstance(made, ReservationMade) and not made.replaced_earlier
    found = await client.reservations_for(flow.session.identity or b"")
    assert [r.id for r in found.reservations] == [made.reservation_id]
    await client.aclose()


async def test_client_repeats_a_lost_answer_by_itself_with_the_same_key(flaky, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    client, link = flaky
    flow = Step1(WatchedReader("adult"), client, clock)
    await at_pin(flow)
    link.lose_answer_to.append("/v1/reservations")
    made = await flow.enter_pin(Pin("1234"))
    assert isinstance(made, ReservationMade)
    posts = [r for r in link.requests if r.url.path == "/v1/reservations"]
    assert len(posts) == 2 and posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    found = await client.reservations_for(flow.session.identity or b"")
    assert [r.id for r in found.reservations] == [made.reservation_id]


async def test_a_new_step_one_replaces_the_active_reservation(service: ReservationClient, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("adult")
    first = Step1(reader, service, clock)
    await at_pin(first)
    one = await first.enter_pin(Pin("1234"))
    clock.advance(timedelta(hours=1))
    second = Step1(reader, service, clock)
    await at_pin(second)
    two = await second.enter_pin(Pin("1234"))
    assert isinstance(two, ReservationMade) and two.replaced_earlier
    found = await service.reservations_for(second.session.identity or b"")
    assert [r.id for r in found.reservations] == [two.reservation_id] != [one.reservation_id]


async def test_the_next_resident_s_proof_signs_the_challenge_handed_on(
    service: ReservationClient, clock
) -> None:  # type: ignore[no-untyped-def]
    """A counter's next step 1 needs no challenge request while the handed-on one has time left;
    one kept too long is replaced before the card signs (the service would refuse it expired)."""
    posted: list[str] = []

    async def note(request) -> None:  # type: ignore[no-untyped-def]
        posted.append(request.url.path)

    service.http.event_hooks["request"].append(note)
    for pause, asked in ((timedelta(0), 1), (timedelta(seconds=30), 0), (timedelta(minutes=2), 1)):
        clock.advance(pause)
        posted.clear()
        flow = Step1(WatchedReader("adult"), service, clock)
        await at_pin(flow)
        made = await flow.enter_pin(Pin("1234"))
        assert isinstance(made, ReservationMade), (pause, made)
        assert posted.count("/v1/challenges") == asked and posted.count("/v1/reservations") == 1


@pytest.mark.parametrize(
    ("profile", "code"),
    [
        ("both-blocked", ReasonCode.BOTH_PINS_BLOCKED),
        ("under-15", ReasonCode.NO_SIGN_CERTIFICATE),
        ("face-auth", ReasonCode.FACE_AUTHENTICATION_CARD),
        ("expired", ReasonCode.AUTH_CERTIFICATE_EXPIRED),
        ("juki-card", ReasonCode.JUKI_CARD),
    ],
)
async def test_window_cases_stop_before_any_pin(profile: str, code: ReasonCode, service, clock) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader(profile)
    state = await Step1(reader, service, clock).start()
    assert isinstance(state, GoToWindow) and code in {r.code for r in state.reasons}
    assert reader.count(VERIFY, with_data=True) == 0


async def test_knows_neither_pin(service: ReservationClient, clock: FixedClock) -> None:
    flow = Step1(WatchedReader("adult"), service, clock)
    await flow.start()
    state = await flow.knows_neither()
    assert isinstance(state, GoToWindow) and state.reasons[0].code is ReasonCode.NEITHER_PIN_KNOWN


async def test_revoked_signing_certificate_found_by_the_service(service: ReservationClient, clock) -> None:  # type: ignore[no-untyped-def]
    flow = Step1(WatchedReader("sign-revoked"), service, clock)
    await at_pin(flow, AUTH)  # triage could not read the signing certificate yet
    state = await flow.enter_pin(Pin("TRAIN1234"))
    assert isinstance(state, GoToWindow)
    assert [r.code for r in state.reasons] == [ReasonCode.SIGN_CERTIFICATE_REVOKED]


@pytest.mark.parametrize(
    ("details_changed", "loss_reported", "codes"),
    [
        (True, False, [ReasonCode.DETAILS_CHANGED]),
        (False, True, [ReasonCode.LOSS_REPORTED]),
        (True, True, [ReasonCode.DETAILS_CHANGED, ReasonCode.LOSS_REPORTED]),
    ],
)
async def test_a_yes_before_a_signing_pin_reset_sends_the_resident_to_the_window(
    details_changed: bool, loss_reported: bool, codes: list[ReasonCode], service: ReservationClient, clock
) -> None:  # type: ignore[no-untyped-def]
    reader = WatchedReader("sign-revoked")  # moved: its signing certificate is on the CRL
    flow = Step1(reader, service, clock)
    await flow.start()
    assert await flow.choose_pin(SIGN) == AskSigningCertificate(SIGN)
    state = await flow.answer_signing_questions(details_changed=details_changed, loss_reported=loss_reported)
    assert isinstance(state, GoToWindow) and [r.code for r in state.reasons] == codes
    assert not any(is_verify_with_pin(c) for c in reader.sent)  # no PIN was asked, none sent
    identity = card_identity(training_pki().cards["sign-revoked"].auth_certificate)
    assert (await service.reservations_for(identity)).reservations == ()
    with pytest.raises(FlowEventNotAllowed):
        await flow.confirm_identity()


async def test_the_service_refuses_a_signing_pin_reset_of_a_revoked_certificate(
    service: ReservationClient, clock: FixedClock
) -> None:
    """Answered "no" (the resident forgot the move), the training card still never gets a
    reservation: the service knows the signing certificate the training issuer gave it."""
    flow = Step1(WatchedReader("sign-revoked"), service, clock)
    await at_pin(flow, SIGN)
    state = await flow.enter_pin(Pin("1234"))
    assert isinstance(state, GoToWindow)
    assert [r.code for r in state.reasons] == [ReasonCode.SIGN_CERTIFICATE_REVOKED]
    identity = card_identity(training_pki().cards["sign-revoked"].auth_certificate)
    assert (await service.reservations_for(identity)).reservations == ()


async def test_an_authentication_pin_reset_asks_no_signing_questions(
    service: ReservationClient, clock: FixedClock
) -> None:
    flow = Step1(WatchedReader("auth-blocked"), service, clock)
    await flow.start()
    assert await flow.choose_pin(AUTH) == ConfirmIdentity(AUTH)
    with pytest.raises(FlowEventNotAllowed):
        await flow.answer_signing_questions(details_changed=False, loss_reported=False)


async def test_no_card_then_card(service: ReservationClient, clock: FixedClock) -> None:
    reader = WatchedReader("adult")
    reader.remove_card()
    flow = Step1(reader, service, clock)
    assert await flow.start() == CardRemoved(code="no-card")
    reader.insert_card()
    assert isinstance(await flow.resume(), ChoosePin)


async def test_events_out_of_order_are_refused(service: ReservationClient, clock: FixedClock) -> None:
    flow = Step1(WatchedReader("adult"), service, clock)
    with pytest.raises(FlowEventNotAllowed):
        await flow.enter_pin(Pin("1234"))
    await flow.start()
    with pytest.raises(FlowEventNotAllowed):
        await flow.confirm_last_try()
    blocked_sign = Step1(WatchedReader("sign-blocked"), service, clock)
    await blocked_sign.start()
    with pytest.raises(ValueError):
        await blocked_sign.choose_pin(AUTH)  # the signing PIN is blocked: it cannot prove an auth reset


async def test_reservation_made_in_the_closed_hours(service: ReservationClient, clock: FixedClock) -> None:
    clock.set(OPEN_MORNING.replace(hour=2, minute=0))  # 02:00 JST: step 1 works at any hour
    flow = Step1(WatchedReader("adult"), service, clock)
    await at_pin(flow)
    made = await flow.enter_pin(Pin("1234"))
    assert isinstance(made, ReservationMade) and not made.kiosk_open_now
    assert made.next_opening == OPEN_MORNING.replace(hour=6, minute=30)
    assert made.usable_until == datetime(2026, 12, 1, 23, 0, tzinfo=JST)  # before the 02:00 deadline


async def test_a_proof_pin_that_breaks_its_format_is_not_sent(
    service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader("adult")
    flow = Step1(reader, service, clock)
    asked = await at_pin(flow, SIGN)  # proven with the 4-digit user-authentication PIN
    again = await flow.enter_pin(Pin("123"))
    assert isinstance(again, NeedPin) and again.tries_left == asked.tries_left == 3
    assert again.problems == (PinProblem.NOT_FOUR_DIGITS,)
    assert reader.count(VERIFY, with_data=True) == 0
    assert isinstance(await flow.enter_pin(Pin("1234")), ReservationMade)
