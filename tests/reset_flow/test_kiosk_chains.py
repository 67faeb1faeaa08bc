"""The kiosk chains data file: the shipped one loads, and a malformed one is refused at load with
an error naming the file and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.jpki import PinKind
from reset_flow.kiosk_chains import SHIPPED, KioskChainsInvalid, load_kiosk_chains

GOOD_CHAIN = '[[chain]]\nja = "セブン-イレブン"\nen = "Seven-Eleven"\npins = ["sign", "auth"]\n'
HEAD = 'as_of = 2026-12-07\nsource = "a test"\n'


def test_the_shipped_list_is_dated_and_the_auth_list_is_the_smaller_one() -> None:
    chains = load_kiosk_chains(SHIPPED)
    sign, auth = chains.offering(PinKind.SIGN), chains.offering(PinKind.AUTH)
    assert set(auth) < set(sign)
    assert "Lawson" in {c.en for c in sign} - {c.en for c in auth}
    assert chains.source


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("as_of = [", "cannot be read as TOML"),
        ('source = "a test"\n' + GOOD_CHAIN, "`as_of` must be a date"),
        ("as_of = 2026-12-07T10:00:00\n" + 'source = "x"\n' + GOOD_CHAIN, "`as_of` must be a date"),
        ("as_of = 2026-12-07\n" + GOOD_CHAIN, "`source` must say where"),
        (HEAD, "no [[chain]] entries"),
        (HEAD + GOOD_CHAIN.replace('en = "Seven-Eleven"\n', ""), "needs both `ja` and `en`"),
        (HEAD + GOOD_CHAIN.replace('"auth"', '"juki"'), '`pins` must list "sign" and/or "auth"'),
        (HEAD + GOOD_CHAIN + "some_stores = 1\n", "`some_stores` must be true or false"),
        (HEAD + GOOD_CHAIN.replace(', "auth"', ""), 'no chain offers the "auth" reset'),
    ],
)
def test_a_malformed_file_is_refused_at_load_saying_what_is_wrong(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "chains.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KioskChainsInvalid) as refused:
        load_kiosk_chains(path)
    assert str(path) in str(refused.value) and said in str(refused.value)
    assert refused.value.code == "kiosk-chains-invalid"


def test_a_missing_file_is_refused_the_same_way(tmp_path: Path) -> None:
    with pytest.raises(KioskChainsInvalid, match="cannot be read"):
        load_kiosk_chains(tmp_path / "absent.toml")
