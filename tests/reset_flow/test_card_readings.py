"""Both steps work under every reading of the public sources the emulator can be switched to:
the tries query of a verified PIN (its count, or 90 00), a re-SELECT of the JPKI application
(keeps or drops the verified PINs), a card that answers 6F 00 once after power-up."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from readers.jpki import PinKind
from readers.jpki_applet import EF_AUTH_PIN
from readers.training_card.applet import TrainingCard
from readers.training_card.issuer import TrainingIssuer
from readers.training_card.profiles import get_profile
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock
from reset_flow.states import ConfirmLastTry, NeedNewPin, NeedPin, ReservationMade, ResetDone
from reset_flow.step1 import Step1
from reset_flow.step2 import Step2
from tests.reset_flow.conftest import NEW_PIN, PROOF_PIN, WatchedReader, is_verify_with_pin, reserve

READINGS = [
    pytest.param(
        {
            "verified_query_answers_ok": ok,
            "reselect_keeps_verified": keeps,
            "not_ready_after_power_up": settle,
        },
        id=f"{'ok' if ok else 'count'}-{'keeps' if keeps else 'drops'}{'-6F00' if settle else ''}",
    )
    for ok, keeps, settle in itertools.product((False, True), (True, False), (False, True))
]


@pytest.mark.parametrize("options", READINGS)
@pytest.mark.parametrize("reset", [PinKind.SIGN, PinKind.AUTH])
async def test_both_steps_under_every_reading(
    options: dict, reset: PinKind, service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader(TrainingCard(replace(get_profile("adult"), **options)))
    await reserve(reader, service, clock, reset)
    two = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
    await two.start()
    await two.enter_pin(PROOF_PIN[reset])
    done = await two.enter_new_pin(NEW_PIN[reset], NEW_PIN[reset])
    assert done == ResetDone(reset, reset.max_tries, reset.max_tries, recorded=True)
    assert sum(is_verify_with_pin(c) for c in reader.sent) == 2  # one VERIFY per step, no more


class AlreadyVerifiedCard(TrainingCard):
    """A card whose user-authentication PIN some earlier conversation left verified, and which
    says so (90 00) to the tries query: as a card shared through PC/SC can."""

    def power_on(self) -> bytes:
        atr = super().power_on()
        self.session.verified.add(0x0018)
        return atr

    def respond(self, raw: bytes) -> bytes:
        answer = super().respond(raw)
        self.session.verified.add(0x0018)  # whatever is selected: the PIN stays verified
        return answer


async def test_step1_goes_on_without_a_verify_when_the_card_holds_the_pin_verified(
    service: ReservationClient, clock: FixedClock
) -> None:
    card = AlreadyVerifiedCard(replace(get_profile("adult"), verified_query_answers_ok=True))
    reader = WatchedReader(card)
    flow = Step1(reader, service, clock)
    await flow.start()
    await flow.choose_pin(PinKind.SIGN)
    await flow.answer_signing_questions(details_changed=False, loss_reported=False)
    state = await flow.confirm_identity()  # not stopped by "tries unknown": the PIN is verified
    assert isinstance(state, ReservationMade), state
    assert not any(is_verify_with_pin(c) for c in reader.sent)


async def test_step2_uses_the_last_try_only_after_the_confirmation_event(
    service: ReservationClient, clock: FixedClock
) -> None:
    reader = WatchedReader("adult")
    await reserve(reader, service, clock, PinKind.SIGN)
    reader.card.pins[EF_AUTH_PIN].tries_left = 1  # two wrong tries elsewhere since step 1
    before = sum(is_verify_with_pin(c) for c in reader.sent)
    two = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
    asked = await two.start()
    assert isinstance(asked, NeedPin) and asked.last_try
    assert isinstance(await two.enter_pin(PROOF_PIN[PinKind.SIGN]), ConfirmLastTry)
    assert isinstance(await two.decline_last_try(), NeedPin)
    assert isinstance(await two.enter_pin(PROOF_PIN[PinKind.SIGN]), ConfirmLastTry)
    assert sum(is_verify_with_pin(c) for c in reader.sent) == before  # nothing sent yet
    assert isinstance(await two.confirm_last_try(), NeedNewPin)
    assert sum(is_verify_with_pin(c) for c in reader.sent) == before + 1
