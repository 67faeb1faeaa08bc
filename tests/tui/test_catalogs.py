"""The catalogs: both languages say everything, with the same fields, in symbols that keep their
width on CJK terminals; every error code the lower layers raise has words."""

from __future__ import annotations

import unicodedata

import pytest

import readers.errors
from readers.errors import JpkiResetError
from tui import i18n


def test_both_catalogs_have_the_same_keys() -> None:
    ja, en = i18n.catalog("ja"), i18n.catalog("en")
    assert sorted(set(ja) - set(en)) == []
    assert sorted(set(en) - set(ja)) == []


def test_each_entry_takes_the_same_fields_in_both_languages() -> None:
    ja, en = i18n.catalog("ja"), i18n.catalog("en")
    differ = [key for key in en if i18n.fields(ja.get(key, "")) != i18n.fields(en[key])]
    assert differ == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_east_asian_ambiguous_symbols(lang: str) -> None:
    ambiguous = {
        (key, char)
        for key, text in i18n.catalog(lang).items()
        for char in text
        if unicodedata.east_asian_width(char) == "A"
    }
    assert not ambiguous, f"ambiguous-width characters (misalign on CJK terminals): {sorted(ambiguous)}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_entry_is_empty_or_left_in_the_other_language(lang: str) -> None:
    for key, text in i18n.catalog(lang).items():
        assert text.strip(), key
    if lang == "ja":
        # A Japanese entry without any Japanese character was probably not translated.
        untranslated = [
            key
            for key, text in i18n.catalog("ja").items()
            if not any(unicodedata.east_asian_width(c) in "WF" for c in text) and text not in {"English", "-"}
        ]
        assert untranslated == []


def _error_classes(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found.append(cls)
        found.extend(_error_classes(cls))
    return found


def test_every_error_code_of_the_lower_layers_has_words() -> None:
    import reset_flow.errors  # noqa: F401 (its classes join the family)

    codes = {cls.code for cls in _error_classes(JpkiResetError) if isinstance(cls.__dict__.get("code"), str)}
    assert readers.errors.WrongPin.code in codes
    missing = sorted(code for code in codes if not i18n.has("en", f"error.{code}.title"))
    assert missing == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_MESSAGES": "C.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_default_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.default_language(environ) == expected
