"""A signing-PIN reset asks staff, before any PIN, what would have revoked or suspended the signing
certificate; a "yes" ends at the window with the reason, in both languages. The training card
whose signing certificate was revoked after a move never gets a reservation, whatever the answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.card_identity import card_identity
from readers.training_card.pki import training_pki
from tests.tui.driving import make_app, press, shows, walk
from tui.app import ResetApp
from tui.screens.photo_id import PhotoIdScreen
from tui.screens.signing_questions import SigningQuestionsScreen
from tui.screens.start import StartScreen

AT = "2026-04-01T10:00:00+09:00"
TO_QUESTIONS = (["down", "enter"], ["enter"])  # step 1 of the signing PIN: the triage, then Enter

WORDS = {
    "en": {
        "moved": "the name, address, date of birth or sex changed since the card was issued",
        "lost": "a loss of the card was reported",
        "revoked": "the signing certificate is revoked",
        "window": "Go to the municipal window",
        "question": "has the resident's name, address, date of birth or sex changed",
    },
    "ja": {
        "moved": "カードの交付後に氏名・住所・生年月日・性別が変わったため",
        "lost": "カードの紛失の届出があるため",
        "revoked": "署名用電子証明書は失効または一時停止しています",
        "window": "市区町村の窓口へ",
        "question": "氏名・住所・生年月日・性別の変更（転居など）はありましたか",
    },
}


async def reservations(app: ResetApp, profile: str) -> tuple[object, ...]:
    service = app.wizard.ensure_service()
    identity = card_identity(training_pki().cards[profile].auth_certificate)
    return (await service.reservations_for(identity)).reservations


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(("answers", "said"), [(("y", "n"), "moved"), (("n", "y"), "lost")])
async def test_a_yes_sends_the_resident_to_the_window_before_any_pin(
    tmp_path: Path, lang: str, answers: tuple[str, str], said: str
) -> None:
    app = make_app("training:sign-revoked", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_QUESTIONS)
        assert isinstance(app.screen, SigningQuestionsScreen)
        assert shows(app, WORDS[lang]["question"])
        await press(pilot, "enter")  # a reflex Enter answers nothing
        assert app.screen.answers == []
        await press(pilot, *answers)
        assert isinstance(app.screen, SigningQuestionsScreen)  # ended here, explained in place
        assert shows(app, WORDS[lang]["window"]) and shows(app, WORDS[lang][said])
        assert await reservations(app, "sign-revoked") == ()
        await press(pilot, "enter")
        assert isinstance(app.screen, StartScreen)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_revoked_training_card_is_refused_even_when_both_answers_are_no(
    tmp_path: Path, lang: str
) -> None:
    app = make_app("training:sign-revoked", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, *TO_QUESTIONS, ["n", "n"])
        assert isinstance(app.screen, PhotoIdScreen)
        await walk(pilot, ["enter"], [*"1234", "enter"])
        assert shows(app, WORDS[lang]["window"]) and shows(app, WORDS[lang]["revoked"])
        assert await reservations(app, "sign-revoked") == ()


@pytest.mark.parametrize(
    ("task", "said", "not_said"),
    [
        (["down", "enter"], "the next screen asks the resident about changes", "once the signing PIN"),
        (["down", "down", "enter"], "checked in this step, once the signing PIN", "the next screen"),
    ],
)
async def test_the_signing_certificate_note_says_what_this_reset_really_checks(
    tmp_path: Path, task: list[str], said: str, not_said: str
) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, task)
        assert shows(app, said) and not shows(app, not_said)


BRING = {
    "en": "Any other proxy (代理人) applies first; an inquiry form (照会書) is posted to the resident",
    "ja": "任意代理人の場合は、先に申請するとご本人あてに照会書（回答書）が郵送され",
}


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_window_verdict_says_where_who_and_what_to_bring(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 30)) as pilot:
        await walk(pilot, *TO_QUESTIONS, ["y", "n"])
        assert shows(app, "住民票のある市区町村") and shows(app, BRING[lang])
        assert not shows(app, "the next screen") and not shows(app, "次の画面")
