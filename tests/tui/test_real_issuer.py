"""A real issuer's card on a PC/SC reader (its CA made by the test): before the trust ceremony the
card check says in words that this terminal does not trust the issuer and what to run; after it,
both steps go by keys to the words the README promises for a real card."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.jpki import JpkiSession
from readers.training_card.applet import TrainingCard
from reset_flow.clock import FixedClock
from reset_flow.trust_ceremony import candidates_on_card
from reset_flow.trust_setup import open_trust_store
from reset_flow.trust_store import TrustStore
from tests.issuer import made_issuer
from tests.tui.driving import make_app, shows, walk
from tui.commands.trust import ceremony

AT = datetime.fromisoformat("2026-04-01T10:00:00+09:00")
SPEC = "pcsc:Counter Reader 00 00"
STEP1_SIGN = (["down", "enter"], ["enter"], ["n", "n"], ["enter"], [*"1234", "enter"])
TO_STEP2 = (["enter"], ["down", "down", "down", "enter"], ["enter"])


def counter_app(tmp_path: Path, card: TrainingCard, lang: str = "en"):  # type: ignore[no-untyped-def]
    app = make_app(
        SPEC,
        lang=lang,
        data_dir=tmp_path / "data",
        trust_store=tmp_path / "trust",
        open_reader=lambda spec: EmulatedReader(card),
    )
    app.wizard.clock = FixedClock(AT)
    return app


async def trust_the_issuer(store: TrustStore, card: TrainingCard) -> None:
    """The ceremony as an operator does it: the CA certificates read from the card, each confirmed
    by the last 8 characters of the fingerprint the issuer publishes."""
    reader = EmulatedReader(card)
    await reader.connect()
    candidates = await candidates_on_card(JpkiSession.on(reader), "counter reader")
    issuer = made_issuer()
    answers = iter(issuer.published_sha256(c.certificate)[-8:] for c in candidates)
    assert ceremony(candidates, store, lambda prompt: next(answers), now=AT, operator="admin") == 0


@pytest.mark.parametrize(
    ("lang", "verdict", "note"),
    [
        (
            "en",
            "VERDICT: this terminal does not trust the card's issuer yet",
            "does not trust the issuer of the card's",
        ),
        ("ja", "判定：この端末はカードの発行者をまだ信頼していない", "発行者（認証局）を信頼していません"),
    ],
)
async def test_the_card_check_says_the_issuer_is_not_trusted_here_and_what_to_run(
    tmp_path: Path, lang: str, verdict: str, note: str
) -> None:
    app = counter_app(tmp_path, TrainingCard("adult", issued=made_issuer().card), lang)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, ["enter"])
        assert shows(app, verdict)
        assert shows(app, f"jpki-reset trust add --reader {SPEC}")
        assert shows(app, note)
        assert not shows(app, "TRAINING") and not shows(app, "研修用")  # a resident's card: no training


async def test_step_1_before_the_ceremony_stops_before_any_pin(tmp_path: Path) -> None:
    app = counter_app(tmp_path, TrainingCard("adult", issued=made_issuer().card))
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "enter"])
        assert shows(app, "This terminal does not trust the card's issuer")
        assert shows(app, "No PIN was asked and no try was spent.")


async def test_after_the_ceremony_both_steps_reach_the_issuer_boundary(tmp_path: Path) -> None:
    card = TrainingCard("adult", issued=made_issuer().card)
    await trust_the_issuer(open_trust_store(tmp_path / "trust"), card)
    app = counter_app(tmp_path, card)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *STEP1_SIGN)
        assert shows(app, "DONE: the reset of the signing PIN is reserved.")
        await walk(pilot, *TO_STEP2, [*"1234", "enter"], [*"new2pin", "enter", *"new2pin", "enter"])
        assert shows(app, "STOPPED: this is a real card.")
        assert shows(app, "needs the issuer's (J-LIS) authority")
    assert card.pins[0x001B].value == b"TRAIN1234"  # the signing PIN was not touched
