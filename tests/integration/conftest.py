"""The real-component tier: a pcscd of our own with the vpcd driver, the training card behind it,
and nfcpy's udp transport.

The pcscd fixture installs what is missing through ``./.ci/setup``, starts ``pcscd --foreground``
with a private reader configuration (vpcd on a free port) and, where the machine allows, a private
socket; it stops pcscd by PID when this package's tests are done. Tests are skipped, with the
reason, only when no pcscd of our own can run here at all.

libpcsclite reads ``PCSCLITE_CSOCK_NAME`` once per process, at its first call, so the socket path
is chosen and exported here, when pytest collects this package, before any test talks PC/SC.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from readers.bridges.nfc_udp import NfcUdpCard
from readers.bridges.pcscd import (
    SOCKET_ENV,
    VPCD_DRIVER,
    LaunchPlan,
    PcscdUnavailable,
    PrivatePcscd,
    find_pcscd,
    launch_plan,
)
from readers.bridges.vpcd import VpcdCard
from readers.conversations import Stage, record
from readers.emulated import EmulatedReader
from readers.pcsc import PcscReader
from readers.reader import Reader
from readers.recording import ApduLine, load_recording
from readers.training_card.applet import TrainingCard

ROOT = Path(__file__).resolve().parents[2]
READER = "Virtual PCD 00 00"


def _missing() -> list[str]:
    """The Debian packages this tier needs that are not installed."""
    missing = [] if find_pcscd() else ["pcscd"]
    if not VPCD_DRIVER.exists():
        missing.append("vsmartcard-vpcd")
    if shutil.which("opensc-tool") is None:
        missing.append("opensc")
    return missing


if _missing():  # the project's setup installs them (idempotent, apt only for what is missing)
    subprocess.run([str(ROOT / ".ci" / "setup")], cwd=ROOT, capture_output=True, check=False)

WORKDIR = Path(tempfile.mkdtemp(prefix="jpki-reset-it-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
PLAN: LaunchPlan | None = None
PLAN_PROBLEM = ""
try:
    PLAN = launch_plan(WORKDIR)
    os.environ[SOCKET_ENV] = str(PLAN.socket)  # before the first PC/SC call of this process
except PcscdUnavailable as error:
    PLAN_PROBLEM = str(error)


@pytest.fixture(scope="package")
def pcscd() -> Iterator[PrivatePcscd]:
    if PLAN is None:
        pytest.skip(f"no pcscd of our own can run here: {PLAN_PROBLEM}")
    daemon = PrivatePcscd(WORKDIR, PLAN)
    try:
        daemon.start()
    except PcscdUnavailable as error:
        pytest.skip(f"pcscd cannot run here: {error}")
    yield daemon
    daemon.stop()


@pytest.fixture(scope="package")
def vpcd_bridge(pcscd: PrivatePcscd) -> Iterator[VpcdCard]:
    bridge = VpcdCard(TrainingCard("adult"), port=pcscd.vpcd_port).start()
    yield bridge  # type: ignore[misc]
    bridge.stop()


async def card_on_reader(bridge: VpcdCard, pcscd: PrivatePcscd) -> None:
    """Put the bridge's card on the reader and wait until pcscd sees it there."""
    if not pcscd.running:
        pcscd.start()
    bridge.insert()
    await PcscReader(READER).wait_for_card(10)


@pytest.fixture
async def vpcd_card(vpcd_bridge: VpcdCard, pcscd: PrivatePcscd) -> AsyncIterator[VpcdCard]:
    """A fresh adult training card on pcscd's virtual reader, seen as present by pcscd."""
    vpcd_bridge.card = TrainingCard("adult")
    await card_on_reader(vpcd_bridge, pcscd)
    vpcd_bridge.commands.clear()
    yield vpcd_bridge
    await card_on_reader(vpcd_bridge, pcscd)  # also cancels a removal the test did not reach


@pytest.fixture
def nfc_card() -> Iterator[NfcUdpCard]:
    """A fresh adult training card answering nfcpy's udp driver on a free local port."""
    bridge = NfcUdpCard(TrainingCard("adult"), port=0).start()
    yield bridge  # type: ignore[misc]
    bridge.stop()


@pytest.fixture
def client_env(pcscd: PrivatePcscd) -> dict[str, str]:
    """The environment for PC/SC client processes (OpenSC, jpki-reset) to reach our pcscd."""
    return {**os.environ, **pcscd.client_env}


@pytest.fixture
def nfc_path() -> Callable[[NfcUdpCard], str]:
    """The nfcpy device path that reaches a udp bridge."""

    def path(bridge: NfcUdpCard) -> str:
        host, port = bridge.address
        return f"udp:{host}:{port}"

    return path


@pytest.fixture
def put_back(vpcd_bridge: VpcdCard, pcscd: PrivatePcscd) -> Callable[[], Awaitable[None]]:
    """Put the vpcd card back on the reader and wait until pcscd sees it."""
    return lambda: card_on_reader(vpcd_bridge, pcscd)


@dataclass(frozen=True)
class Baseline:
    """A conversation as the in-process emulator has it: what the transports must match."""

    outcome: list[str]
    commands: list[str]


async def recorded(reader: Reader, conversation: str, out: Path) -> tuple[list[str], list[str]]:
    """Run a named conversation through the recording tap: its outcome and the commands sent."""
    outcome = await record(reader, conversation, out, Stage())
    return outcome, [e.c for e in load_recording(out).entries if isinstance(e, ApduLine)]


@pytest.fixture(scope="package")
def step1_baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    out = tmp_path_factory.mktemp("baseline") / "step1.jsonl"
    outcome, commands = asyncio.run(recorded(EmulatedReader("adult"), "step1-sign-reset", out))
    return Baseline(outcome, commands)
