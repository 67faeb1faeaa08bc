"""Discovery: every entry opens with its spec, and what is missing says why, without raising."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readers.discovery import NO_NFC_DEVICE, discover, nfc_choices, recording_choices, training_choices
from readers.errors import NotAMyNumberCard
from readers.jpki import JpkiSession
from readers.spec import open_reader
from readers.training_card.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[2]


def discover_in_a_process(env: dict[str, str]) -> list[dict[str, object]]:
    code = (
        "import json, dataclasses; from pathlib import Path; from readers.discovery import discover;"
        "print(json.dumps([dataclasses.asdict(c) for c in discover(Path('recordings'))]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_pcscd_discovery_says_so_and_still_lists_the_rest(tmp_path: Path) -> None:
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd-here.comm")}
    choices = discover_in_a_process(env)
    pcsc = [c for c in choices if c["kind"] == "pcsc"]
    assert [(c["spec"], c["available"], c["reason"]) for c in pcsc] == [
        ("pcsc", False, "PC/SC service (pcscd) is not running")
    ]
    kinds = [c["kind"] for c in choices]
    assert kinds.count("training") == len(PROFILES)
    assert kinds.count("replay") == len(list((ROOT / "recordings").glob("*.jsonl")))
    assert kinds.index("pcsc") < kinds.index("training") < kinds.index("replay")


def usb_device(root: Path, name: str, vendor: str, product: str, bus: int, number: int) -> Path:
    device = root / name
    device.mkdir()
    (device / "idVendor").write_text(vendor + "\n")
    (device / "idProduct").write_text(product + "\n")
    (device / "busnum").write_text(f"{bus}\n")
    (device / "devnum").write_text(f"{number}\n")
    return device


def test_an_nfc_reader_held_by_the_kernel_driver_says_which_driver(tmp_path: Path) -> None:
    rc_s380 = usb_device(tmp_path, "1-2", "054c", "06c3", 1, 7)
    drivers = tmp_path / "drivers" / "port100"
    drivers.mkdir(parents=True)
    (rc_s380 / "1-2:1.0").mkdir()
    (rc_s380 / "1-2:1.0" / "driver").symlink_to(drivers)
    usb_device(tmp_path, "1-3", "046d", "c31c", 1, 8)  # a keyboard: not an NFC reader
    [choice] = nfc_choices(tmp_path)
    assert choice.spec == "nfc:usb:001:007"
    assert choice.name.startswith("Sony RC-S380")
    assert not choice.available
    assert "port100" in (choice.reason or "")


def test_an_nfc_reader_this_user_cannot_open(tmp_path: Path) -> None:
    usb_device(tmp_path, "3-1", "072f", "2200", 3, 250)  # no /dev/bus/usb/003/250 here
    [choice] = nfc_choices(tmp_path)
    assert (choice.available, choice.reason) == (False, "this user may not open it (udev rule)")


def test_no_nfc_reader_at_all(tmp_path: Path) -> None:
    [choice] = nfc_choices(tmp_path / "no-usb-bus")
    assert (choice.spec, choice.kind, choice.available, choice.reason) == ("nfc", "nfc", False, NO_NFC_DEVICE)


@pytest.mark.parametrize("choice", training_choices(), ids=lambda c: c.spec)
async def test_each_training_card_opens_with_its_spec(choice) -> None:
    reader = open_reader(choice.spec)
    await reader.connect()
    try:
        if choice.detail in ("felica", "other-iso"):  # the cards a resident may bring by mistake
            with pytest.raises(NotAMyNumberCard):
                await JpkiSession.on(reader).detect()
            return
        info = await JpkiSession.on(reader).detect()
    finally:
        await reader.disconnect()
    assert choice.available
    assert info.token.startswith("JPKIAPICCTOKEN")


def test_recordings_show_their_title_and_a_broken_one_says_why(tmp_path: Path, recordings_dir: Path) -> None:
    good = recordings_dir / "verify-auth-ok.jsonl"
    (tmp_path / good.name).write_text(good.read_text())
    (tmp_path / "broken.jsonl").write_text("this is not JSON\n")
    (tmp_path / "notes.txt").write_text("not a recording")
    broken, fine = recording_choices(tmp_path)
    assert (fine.name, fine.available) == ("Recording: Verify the user-authentication PIN", True)
    assert (broken.spec, broken.available, broken.reason) == (
        f"replay:{tmp_path / 'broken.jsonl'}",
        False,
        "not a readable recording",
    )


def test_discovery_of_recordings_is_optional() -> None:
    assert all(choice.kind != "replay" for choice in discover())
