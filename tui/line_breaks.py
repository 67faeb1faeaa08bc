"""Where a line of Japanese may break: between phrases (BudouX), never before 。、？ or a closing
bracket, never between a number and its counter (3 回, 6～16文字) or a word and the number that
follows it (手順2). Terminal toolkits break only at spaces, which Japanese hardly has: they fold
a phrase anywhere, leave a bullet alone on its line, or start a line with 。 or を.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

if TYPE_CHECKING:
    from budoux import Parser

# Kana, CJK ideographs, full-width forms. Tested by comparison, not a regex: a character class
# spanning the ideographs' 27,000 code points takes ~3 ms to compile, at every start.
_JAPANESE_RANGES = (("\u3040", "\u30ff"), ("\u3400", "\u9fff"), ("\uff00", "\uffef"))


def is_japanese(text: str) -> bool:
    """Whether ``text`` has Japanese in it (kana, kanji or full-width forms)."""
    if text.isascii():
        return False
    return any(low <= c <= high for c in text for low, high in _JAPANESE_RANGES)


# Characters a line never starts with (JIS X 4051's 行頭禁則, the common set).
NO_LINE_START = set("、。，．,.？！?!）」』】〕〉》］｝)]}ー～・：；:;")
NO_LINE_START |= set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々")  # small kana and the repeat mark
HIRAGANA = re.compile(r"[\u3041-\u309f]")
_SPACED = re.compile(r"\S+\s*|\s+")


@cache
def _parser() -> Parser:
    import budoux  # loaded on the first Japanese text only

    return budoux.load_default_japanese_parser()


def pieces(text: str) -> list[str]:
    """``text`` cut where a line may break; joined, the pieces are ``text`` again."""
    if not is_japanese(text):
        return _SPACED.findall(text)
    cut: list[str] = []
    for phrase in _parser().parse(text):
        for index, piece in enumerate(_SPACED.findall(phrase)):  # a space in a phrase is a break too,
            inside = index > 0 and HIRAGANA.match(piece) is not None  # but not before its particle (R で)
            if cut and (inside or _glued(cut[-1], piece)):
                cut[-1] += piece
            else:
                cut.append(piece)
    return cut


def _glued(before: str, after: str) -> bool:
    """Whether no line may break between ``before`` and ``after``."""
    if after[0] in NO_LINE_START or before.strip() in ("-", "・"):  # a bullet keeps its text
        return True
    last = before.rstrip()[-1:] if before.rstrip() else ""
    spaced = before != before.rstrip()
    if last.isdigit() and not after[0].isascii():
        return True  # ... but never between a number and its counter: 3 回, 6～16文字
    # A word and its number (手順2), not a particle and what follows it (から24時間).
    return (
        not spaced and after[0].isdigit() and bool(last) and not last.isascii() and not HIRAGANA.match(last)
    )


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells, broken only where ``pieces`` allows (a piece
    wider than a line is folded: nothing is ever cut off)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, max(1, width)))
    return lines


def _wrap_paragraph(paragraph: str, width: int) -> Iterable[str]:
    # Continuation lines hang under the text: an indented label stays indented, a bullet's text
    # stays right of its "- ".
    body = paragraph.lstrip()
    hang = " " * (len(paragraph) - len(body) + (2 if body.startswith("- ") else 0))
    if cell_len(hang) * 2 > width:
        hang = ""
    line = ""
    for piece in pieces(paragraph):
        if line.strip() and cell_len((line + piece).rstrip()) > width:
            yield line.rstrip()
            line = hang + piece.lstrip()
        else:
            line += piece
        while cell_len(line.rstrip()) > width:  # one piece longer than the line: fold it, and
            first, *_ = chop_cells(line, width)  # keep 。 or a small kana from starting the next
            while len(first) > len(hang) + 1 and _unbreakable(first[-1], line[len(first)]):
                first = first[:-1]
            yield first
            line = hang + line[len(first) :]
    yield line.rstrip()


def _unbreakable(before: str, after: str) -> bool:
    """Whether a fold may not fall between these two characters (inside a number, or before its
    counter or a closing mark)."""
    return after in NO_LINE_START or (before.isdigit() and (after.isdigit() or not after.isascii()))


class PhraseText:
    """A Rich renderable of plain text that breaks its lines with ``wrap`` at the width given."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __rich_console__(self, _console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n".join(wrap(self.text, options.max_width)), no_wrap=True, overflow="ignore")

    def __rich_measure__(self, _console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.split("\n")
        widest = max((cell_len(line) for line in lines), default=0)
        longest_piece = max((cell_len(p.rstrip()) for line in lines for p in pieces(line)), default=0)
        return Measurement(min(longest_piece, options.max_width), min(widest, options.max_width))
