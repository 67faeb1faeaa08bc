"""Japanese lines break between phrases: never before 。、？ or a closing bracket, never before a
particle that follows a key name (Enter を), never between a number and its counter."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.tui.driving import make_app, screen_text, walk
from tui.i18n import catalog
from tui.line_breaks import NO_LINE_START, is_japanese, wrap

LONG = (
    "理由：\n- 署名用電子証明書が搭載されていません（15歳未満・成年被後見人の方、"
    "発行を希望されなかった方など）。"
    "もう一方の暗証番号による本人確認ができないため、コンビニ等では手続きできません。"
    "手順2は日本時間 2026-12-04 00:51 まで可能です（手順1 2026-12-03 00:51 から24時間）。"
    "カードを読み取りました。Enter ではじめの画面に戻ります。R で読み直します。残り 3 回（最大 3 回）。"
)
COUNTER = re.compile(r"\d\s*$")  # a line ending in a number ...


def breaking_faults(text: str, width: int) -> list[str]:
    lines = wrap(text, width)
    faults = [f"wider than {width}: {line!r}" for line in lines if cell_len(line) > width]
    for before, line in pairwise(lines):
        line = line.lstrip()  # a continuation hangs under its text
        if line[:1] in NO_LINE_START:
            faults.append(f"starts with {line[:1]}: {line!r}")
        if line.strip() and not before.strip("- "):
            faults.append(f"a bullet alone: {before!r}")
        if COUNTER.search(before) and line[:1] and not line[:1].isascii():
            faults.append(f"number split from its counter: {before!r} / {line!r}")
        if re.search(r"[A-Za-z0-9]$", before) and re.match(r"[をでにはがのと]", line):
            faults.append(f"a particle torn from its word: {before!r} / {line!r}")
    return faults


@pytest.mark.parametrize("width", range(12, 61, 4))
def test_a_long_japanese_text_breaks_only_where_japanese_may(width: int) -> None:
    assert breaking_faults(LONG, width) == []
    assert "".join(wrap(LONG, width)).replace(" ", "") == LONG.replace("\n", "").replace(
        " ", ""
    )  # nothing lost


def test_a_bullet_s_and_an_indented_label_s_next_lines_hang_under_their_text() -> None:
    lines = wrap("- 署名用電子証明書が搭載されていません（15歳未満・成年被後見人の方など）", 24)
    assert lines[0].startswith("- ") and all(line.startswith("  ") and line[2] != " " for line in lines[1:])
    assert wrap("    住基用暗証番号（窓口のみ）", 20) == ["    住基用暗証番号", "    （窓口のみ）"]


def test_every_japanese_catalog_text_breaks_well_at_the_narrowest_size() -> None:
    faults = {key: breaking_faults(text, 58) for key, text in catalog("ja").items()}
    assert {key: found for key, found in faults.items() if found} == {}


async def test_the_card_check_at_60_columns_keeps_its_bullet_and_counters(tmp_path: Path) -> None:
    """The walkthrough's under-15 card at 60x20: the reason was on the line after a lone '-'."""
    app = make_app("training:under-15", lang="ja", data_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await walk(pilot, ["enter"])  # card check
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert "-" not in lines
        assert not [line for line in lines if line[:1] in NO_LINE_START]
        assert any(line.startswith("- ") and len(line) > 2 for line in lines)


@pytest.mark.parametrize(
    ("text", "japanese"),
    [
        ("Card check (no PIN)", False),
        ("Café, naïve — «quoted»", False),  # accented Latin and punctuation are not Japanese
        ("Enter を押す", True),  # hiragana
        ("カード", True),  # katakana
        ("研修", True),  # kanji
        ("ＰＩＮ", True),  # full-width forms
    ],
)
def test_japanese_is_told_from_other_text(text: str, japanese: bool) -> None:
    assert is_japanese(text) is japanese
