"""The screen's words in Japanese and English: one flat JSON catalog per language.

Keys are dotted (``start.title``); values may hold ``{name}`` fields. Every key exists in both
catalogs with the same fields (a test checks), so switching language never shows a raw key.
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("ja", "en")
PARTS = ("kiosk",)  # kiosk.ja.json, kiosk.en.json: the resident-facing words of kiosk mode


@cache
def catalog(lang: str) -> dict[str, str]:
    """The catalog of ``lang`` (``ja`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no catalog for {lang!r}")
    # The catalogs are files beside this module (the package is installed as files, never zipped):
    # importlib.resources would add its own imports (tempfile, zipfile) to every start.
    folder = Path(__file__).parent
    words: dict[str, str] = json.loads(folder.joinpath(f"{lang}.json").read_text(encoding="utf-8"))
    for part in PARTS:  # a mode's own words, kept in a file of their own
        more = json.loads(folder.joinpath(f"{part}.{lang}.json").read_text(encoding="utf-8"))
        twice = sorted(set(words) & set(more))
        if twice:
            raise ValueError(f"{part}.{lang}.json repeats {twice}")
        words |= more
    return words


def fields(template: str) -> set[str]:
    """The ``{name}`` fields a catalog string expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(lang: str, key: str, **values: object) -> str:
    """The string for ``key`` in ``lang`` with ``values`` filled in."""
    template = catalog(lang)[key]
    return template.format(**values) if values else template


def has(lang: str, key: str) -> bool:
    return key in catalog(lang)


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """Japanese when the locale says so (the first of LC_ALL, LC_MESSAGES, LANG that is set)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
