"""Values that are themselves catalog keys, and how a catalog string is filled with them.

Kept free of Textual so that ``jpki-reset status`` says the screens' words without the TUI.
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[..., str]


class Term(str):
    """A value that is itself a catalog key, translated when the text is drawn."""

    __slots__ = ()


class Terms(tuple):
    """Several catalog keys, translated and drawn one per line (e.g. the reasons of a verdict)."""

    __slots__ = ()


class Inline(tuple):
    """Several catalog keys, translated and joined in one line (", " or "、")."""

    __slots__ = ()


class Chains(tuple):
    """Store chains (``reset_flow.kiosk_chains.Chain``), named in the current language in one line."""

    __slots__ = ()


def fill(t: Translate, value: object, lang: str) -> object:
    """``value`` as it goes into a catalog string of ``lang``: keys translated by ``t``, chains
    named, others as they are."""
    if isinstance(value, Chains):
        names = (
            t("chains.some_stores", name=chain.name(lang)) if chain.some_stores else chain.name(lang)
            for chain in value
        )
        return t("list.separator").join(names)
    if isinstance(value, Term):
        return t(value)
    if isinstance(value, Terms):
        return "\n".join("- " + t(key) for key in value)
    if isinstance(value, Inline):
        return t("list.separator").join(t(key) for key in value)
    return value


def translator(lang: str) -> Translate:
    """A ``t(key, **values)`` for ``lang`` outside the app (``status``): Term values translated."""
    from tui import i18n

    def t(key: str, **values: object) -> str:
        return i18n.translate(lang, key, **{k: fill(t, v, lang) for k, v in values.items()})

    return t
