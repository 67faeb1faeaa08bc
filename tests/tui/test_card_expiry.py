"""The card's own expiry, read by staff on the card's face at the photo-ID check (the chip gives it
only behind a PIN), and the certificates' renewal note from the day the guidebooks give."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from readers.emulated import EmulatedReader
from readers.jpki_applet import EF_AUTH_PIN, EF_SIGN_PIN
from tests.tui.driving import make_app, press, shows, walk
from tui.screens.photo_id import PhotoIdScreen
from tui.screens.triage import TriageScreen

AT = "2026-04-01T10:00:00+09:00"
TO_PHOTO = {
    "sign": (["down", "enter"], ["enter"], ["n", "n"]),
    "auth": (["down", "down", "enter"], ["enter"]),
}
EXPIRED = {
    "en": (
        "Go to the municipal window where the resident is registered",
        "the card itself has expired (the expiry date on its face has passed)",
    ),
    "ja": ("住民票のある市区町村の窓口へ", "カードの有効期限（券面に記載）が過ぎています"),
}
ASKED = {"en": "If that date has passed, press X", "ja": "有効期限が過ぎている場合は X を押してください"}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("reset", ["sign", "auth"])
async def test_an_expired_card_read_on_its_face_goes_to_the_window_before_any_pin(
    tmp_path: Path, lang: str, reset: str
) -> None:
    reader = EmulatedReader("adult")
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, *TO_PHOTO[reset])
        assert isinstance(app.screen, PhotoIdScreen) and shows(app, ASKED[lang])
        await press(pilot, "x")
        assert all(shows(app, said) for said in EXPIRED[lang])
    # No PIN was asked for, so no try was spent.
    assert reader.card.pins[EF_AUTH_PIN].tries_left == 3 and reader.card.pins[EF_SIGN_PIN].tries_left == 5


RENEWAL = "the user-authentication certificate expires within 3 months"


@pytest.mark.parametrize(
    ("at", "noted"),
    [
        # The training card's certificates end 2031-01-10 08:59:59 Japan time: three months before is
        # 2030-10-10, and the guidebooks' renewal starts the day after.
        ("2030-10-10T23:59:00+09:00", False),
        ("2030-10-11T00:00:00+09:00", True),
    ],
)
async def test_the_renewal_note_starts_the_day_after_the_date_three_months_before_expiry(
    tmp_path: Path, at: str, noted: bool
) -> None:
    app = make_app("training:adult", lang="en", at=at, data_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, TO_PHOTO["sign"][0])  # the signing-PIN reset's triage reads the auth certificate
        assert isinstance(app.screen, TriageScreen) and shows(app, "KIOSK PATH POSSIBLE")
        assert shows(app, RENEWAL) is noted


LAST_WORDS = {"en": "Enter returns to the start", "ja": "即日の手続きはできません"}
MORE = {"en": "PgUp/PgDn More", "ja": "PgUp/PgDn 続きを表示"}


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_long_window_text_is_read_to_its_end_with_pgdn_at_60x20(tmp_path: Path, lang: str) -> None:
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await walk(pilot, *TO_PHOTO["sign"])
        assert not shows(app, MORE[lang])  # nothing more to read: the key is not offered
        await press(pilot, "x")
        assert shows(app, EXPIRED[lang][0])  # the heading first
        assert not shows(app, LAST_WORDS[lang]) and shows(app, MORE[lang])  # not cut silently
        await press(pilot, "pagedown", "pagedown", "pagedown")
        assert shows(app, LAST_WORDS[lang])
        await press(pilot, "pageup", "pageup", "pageup")
        assert shows(app, EXPIRED[lang][0])


async def test_pgdn_reads_a_long_note_even_with_a_pin_entry_focused(tmp_path: Path) -> None:
    app = make_app("training:one-try-left", lang="en", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await walk(pilot, *TO_PHOTO["sign"], ["enter"], [*"9999", "enter"], ["y"])  # the last try, wrong
        assert shows(app, "is blocked") and not shows(app, LAST_WORDS["en"])
        await press(pilot, "pagedown", "pagedown", "pagedown", "pagedown")
        assert shows(app, LAST_WORDS["en"])


async def test_a_focused_list_keeps_pgdn_and_the_key_bar_does_not_offer_it(tmp_path: Path) -> None:
    app = make_app("training:adult", lang="en", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await walk(pilot, [])
        listing = app.focused
        assert isinstance(listing, OptionList) and not shows(app, MORE["en"])
        before = listing.highlighted
        await press(pilot, "pagedown")
        assert listing.highlighted != before  # the list's own page key, not the screen's
