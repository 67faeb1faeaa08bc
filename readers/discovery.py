"""What the app can read a card with: PC/SC readers, NFC devices, training cards, recordings.

``discover(recordings_dir)`` is **synchronous** and quick (a PC/SC status query, a look at
``/sys/bus/usb``, one line of each recording): a UI calls it from a worker thread. It never raises
for a missing daemon or device: such an entry comes back with ``available=False`` and a
``reason`` a person can act on. Each entry's ``spec`` opens it with ``readers.spec.open_reader``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from readers.errors import JpkiResetError, PcscServiceNotRunning
from readers.training_card.profiles import PROFILES

SYS_USB = Path("/sys/bus/usb/devices")

# USB readers nfcpy drives (its nfc.clf.device map), by the names people know them by.
NFCPY_DEVICES: dict[tuple[int, int], str] = {
    (0x054C, 0x06C1): "Sony RC-S380",
    (0x054C, 0x06C3): "Sony RC-S380",
    (0x054C, 0x02E1): "Sony RC-S330/360/370",
    (0x054C, 0x0193): "Sony PN531",
    (0x04CC, 0x0531): "Philips PN531",
    (0x04CC, 0x2533): "NXP PN533",
    (0x04E6, 0x5591): "SCM SCL3711",
    (0x04E6, 0x5593): "SCM SCL3712",
    (0x072F, 0x2200): "ACS ACR122U",
}
# Kernel drivers that take these devices before nfcpy can (nfc-subsystem drivers).
KERNEL_NFC_DRIVERS = frozenset({"port100", "pn533_usb", "pn533"})
NO_NFC_DEVICE = "no NFC device found: the kernel's port100 driver or pcscd may hold it"


@dataclass(frozen=True, slots=True)
class ReaderChoice:
    """One thing to read a card with. ``card_present`` is known for PC/SC readers only."""

    spec: str
    name: str
    kind: str  # "pcsc" | "nfc" | "training" | "replay"
    available: bool
    reason: str | None = None  # in English, for logs and the command line
    card_present: bool | None = None
    reason_code: str | None = None  # stable, for a UI to put ``reason`` in its own language
    detail: str = ""  # what the reason names (a kernel driver, a file's error)


def discover(recordings_dir: Path | None = None) -> list[ReaderChoice]:
    """Everything usable, real readers first, then training cards, then recordings."""
    choices = pcsc_choices() + nfc_choices() + training_choices()
    if recordings_dir is not None:
        choices += recording_choices(recordings_dir)
    return choices


def pcsc_choices() -> list[ReaderChoice]:
    try:
        from readers.pcsc import list_slots

        slots = list_slots()
    except PcscServiceNotRunning:
        reason = "PC/SC service (pcscd) is not running"
        return [_pcsc_missing(reason, "pcsc-service-not-running")]
    except (JpkiResetError, ImportError, OSError) as error:
        return [_pcsc_missing(f"PC/SC is not usable: {error}", "pcsc-unusable", str(error))]
    if not slots:
        return [_pcsc_missing("no PC/SC reader is connected", "no-pcsc-reader")]
    return [
        ReaderChoice(
            f"pcsc:{slot.name}",
            slot.name,
            "pcsc",
            True,
            None if slot.card_present else "no card on the reader yet",
            slot.card_present,
            None if slot.card_present else "no-card-yet",
        )
        for slot in slots
    ]


def _pcsc_missing(reason: str, code: str, detail: str = "") -> ReaderChoice:
    return ReaderChoice("pcsc", "PC/SC readers", "pcsc", False, reason, None, code, detail)


def nfc_choices(sys_usb: Path = SYS_USB) -> list[ReaderChoice]:
    """NFC devices nfcpy can drive, from sysfs (no device is opened, nothing is imported)."""
    found: list[ReaderChoice] = []
    for device in sorted(sys_usb.glob("*")) if sys_usb.is_dir() else []:
        ids = _usb_ids(device)
        if ids is None or ids[:2] not in NFCPY_DEVICES:
            continue
        vendor, product, bus, number = ids
        name = f"{NFCPY_DEVICES[vendor, product]} (nfcpy, USB {bus:03d}:{number:03d})"
        spec = f"nfc:usb:{bus:03d}:{number:03d}"
        held_by = _kernel_driver(device)
        if held_by is not None:
            reason = f"the kernel's {held_by} driver holds it (unload it: modprobe -r {held_by})"
            found.append(ReaderChoice(spec, name, "nfc", False, reason, None, "nfc-held-by-driver", held_by))
        elif not _accessible(Path(f"/dev/bus/usb/{bus:03d}/{number:03d}")):
            reason = "this user may not open it (udev rule)"
            found.append(ReaderChoice(spec, name, "nfc", False, reason, None, "nfc-no-permission"))
        else:
            found.append(ReaderChoice(spec, name, "nfc", True))
    return found or [
        ReaderChoice("nfc", "NFC reader (nfcpy)", "nfc", False, NO_NFC_DEVICE, None, "no-nfc-device")
    ]


def _usb_ids(device: Path) -> tuple[int, int, int, int] | None:
    try:
        vendor = int((device / "idVendor").read_text(), 16)
        product = int((device / "idProduct").read_text(), 16)
        bus = int((device / "busnum").read_text())
        number = int((device / "devnum").read_text())
    except (OSError, ValueError):
        return None
    return vendor, product, bus, number


def _kernel_driver(device: Path) -> str | None:
    for interface in device.glob(f"{device.name}:*"):
        driver = interface / "driver"
        if driver.exists() and driver.resolve().name in KERNEL_NFC_DRIVERS:
            return driver.resolve().name
    return None


def _accessible(node: Path) -> bool:
    return node.exists() and os.access(node, os.R_OK | os.W_OK)


def training_choices() -> list[ReaderChoice]:
    return [
        ReaderChoice(f"training:{name}", f"Training card: {profile.title}", "training", True, detail=name)
        for name, profile in PROFILES.items()
    ]


def recording_choices(directory: Path) -> list[ReaderChoice]:
    choices = []
    for path in sorted(directory.glob("*.jsonl")):
        title, reason = _recording_title(path)
        name = f"Recording: {title}"
        code = None if reason is None else "recording-invalid"
        choices.append(ReaderChoice(f"replay:{path}", name, "replay", reason is None, reason, None, code))
    return choices


def _recording_title(path: Path) -> tuple[str, str | None]:
    """The recording's title from its header line (the stem when it has none), or why not."""
    try:
        with path.open(encoding="utf-8") as stream:
            header = json.loads(stream.readline())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return path.stem, "not a readable recording"
    if not isinstance(header, dict) or header.get("type") != "header":
        return path.stem, "the first line is not a recording header"
    return str(header.get("title") or path.stem), None
