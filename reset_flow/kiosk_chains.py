"""Which store chains offer the kiosk reset of which PIN: staff guidance read from a dated data
file (``kiosk_chains.toml``, next to this module), since the list changes more often than code."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from readers.errors import JpkiResetError
from readers.pin import PinKind
from reset_flow.pin_rules import RESETTABLE_PINS

SHIPPED = Path(__file__).with_name("kiosk_chains.toml")


class KioskChainsInvalid(JpkiResetError):
    """The kiosk chains data file is missing, is not TOML, or does not have the expected form."""

    code = "kiosk-chains-invalid"


@dataclass(frozen=True, slots=True)
class Chain:
    ja: str
    en: str
    pins: tuple[PinKind, ...]
    some_stores: bool = False  # only some of the chain's stores have the kiosk

    def name(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True, slots=True)
class KioskChains:
    as_of: date
    source: str
    chains: tuple[Chain, ...]

    def offering(self, pin: PinKind) -> tuple[Chain, ...]:
        """The chains whose kiosks reset ``pin``, in the file's order."""
        return tuple(c for c in self.chains if pin in c.pins)


def load_kiosk_chains(path: Path = SHIPPED) -> KioskChains:
    """The chains in ``path``; raises KioskChainsInvalid naming the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KioskChainsInvalid(f"{path}: cannot be read as TOML: {error}") from error

    def wrong(what: str) -> KioskChainsInvalid:
        return KioskChainsInvalid(f"{path}: {what}")

    as_of, source, rows = data.get("as_of"), data.get("source"), data.get("chain")
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise wrong("`as_of` must be a date such as 2026-12-07 (the day the list was checked)")
    if not isinstance(source, str) or not source.strip():
        raise wrong("`source` must say where the list comes from")
    if not isinstance(rows, list) or not rows:
        raise wrong("no [[chain]] entries")
    chains = tuple(_chain(row, index, wrong) for index, row in enumerate(rows, start=1))
    result = KioskChains(as_of, source, chains)
    for pin in RESETTABLE_PINS:
        if not result.offering(pin):
            raise wrong(f'no chain offers the "{pin.value}" reset')
    return result


def _chain(row: Any, index: int, wrong: Callable[[str], KioskChainsInvalid]) -> Chain:
    if not isinstance(row, dict):
        raise wrong(f"chain {index} is not a table")
    names = row.get("ja"), row.get("en")
    if not all(isinstance(n, str) and n.strip() for n in names):
        raise wrong(f"chain {index} needs both `ja` and `en` names")
    pins, some = row.get("pins"), row.get("some_stores", False)
    allowed = {p.value: p for p in RESETTABLE_PINS}
    if not isinstance(pins, list) or not pins or not all(p in allowed for p in pins):
        raise wrong(f'chain {index} ({names[1]}): `pins` must list "sign" and/or "auth"')
    if not isinstance(some, bool):
        raise wrong(f"chain {index} ({names[1]}): `some_stores` must be true or false")
    return Chain(names[0], names[1], tuple(allowed[p] for p in pins), some)


@cache
def shipped_kiosk_chains() -> KioskChains:
    """The packaged list, read once."""
    return load_kiosk_chains()
