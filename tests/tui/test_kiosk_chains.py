"""Where the resident can go for step 2: the verdict and the end of step 1 name the store chains
whose kiosks reset the PIN in question, from the dated data file, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.driving import make_app, screen_text, shows, walk
from tui.screens.results import ReservationScreen
from tui.screens.triage import TriageScreen

AT = "2026-04-01T10:00:00+09:00"
SIGN_FROM_START, AUTH_FROM_START = ["down", "enter"], ["down", "down", "enter"]
SIGNING_ONLY = {
    "en": ("Lawson", "FamilyMart", "Ministop"),
    "ja": ("ローソン", "ファミリーマート", "ミニストップ"),
}
BOTH = {
    "en": ("Seven-Eleven", "AEON Retail", "Fuji (some stores)"),
    "ja": ("セブン-イレブン", "イオンリテール", "フジ（一部店舗）"),
}


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_signing_pin_verdict_names_every_chain_that_resets_it(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, SIGN_FROM_START)
        assert isinstance(app.screen, TriageScreen)
        assert all(shows(app, chain) for chain in (*BOTH[lang], *SIGNING_ONLY[lang]))


# Opens as the other screen tests do (test_signing_questions.py): the app at AT in one language,
# walked to its screen; the walk and the words checked are each test's own.
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_user_authentication_pin_verdict_names_only_the_smaller_list(
    tmp_path: Path, lang: str
) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, AUTH_FROM_START)
        assert isinstance(app.screen, TriageScreen)
        assert all(shows(app, chain) for chain in BOTH[lang])
        text = screen_text(app)
        assert not any(chain in text for chain in SIGNING_ONLY[lang])  # a Lawson cannot do it


async def test_the_end_of_step_1_says_where_to_go_with_the_list_date(tmp_path: Path) -> None:
    app = make_app("training:adult", lang="en", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, AUTH_FROM_START, ["enter"], ["enter"], [*"train1234", "enter"])
        assert isinstance(app.screen, ReservationScreen)
        assert shows(app, "Stores whose kiosk terminals reset the user-authentication PIN (as of 2026-12-07)")
        assert shows(app, "Seven-Eleven") and "Lawson" not in screen_text(app)
