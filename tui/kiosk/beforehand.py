"""Step 1 done beforehand, for demos and rehearsals of kiosk mode: kiosk mode only runs step 2,
so a training card's reservation is made the ordinary way (the staff flow, the training PINs)
before the kiosk opens. Training cards of one profile share their keys, so a reservation made with
one is found by another of the same profile, or by a recording of one."""

from __future__ import annotations

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.pin import Pin
from readers.training_card.profiles import AUTH_PIN, SIGN_PIN
from reset_flow.client import ReservationClient
from reset_flow.clock import Clock
from reset_flow.states import FlowState
from reset_flow.step1 import Step1
from reset_flow.trust_setup import training_trust

_PROOF = {PinKind.SIGN: AUTH_PIN, PinKind.AUTH: SIGN_PIN}


async def reserve_beforehand(
    profile: str, reset: PinKind, service: ReservationClient, clock: Clock
) -> FlowState:
    """Step 1 for ``reset`` on a training card of ``profile``; the state it ended in."""
    flow = Step1(EmulatedReader(profile), service, clock, revocation=training_trust().revocation_of)
    await flow.start()
    await flow.choose_pin(reset)
    if reset is PinKind.SIGN:
        await flow.answer_signing_questions(details_changed=False, loss_reported=False)
    await flow.confirm_identity()
    return await flow.enter_pin(Pin(_PROOF[reset]))
