"""OpenSC's JPKI driver, an independent client, reads a training card that ``jpki-reset emulate``
puts into vpcd's second slot (``Virtual PCD 00 01``)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from readers.bridges.pcscd import PrivatePcscd
from readers.pcsc import PcscReader
from readers.training_card.pki import training_pki

ROOT = Path(__file__).resolve().parents[2]
SLOT = "1"  # OpenSC's reader index of "Virtual PCD 00 01"


@pytest.fixture(scope="module")
def emulator(pcscd: PrivatePcscd) -> Iterator[subprocess.Popen[str]]:
    if shutil.which("opensc-tool") is None or shutil.which("pkcs15-tool") is None:
        pytest.skip("OpenSC is not installed and ./.ci/setup could not install it")
    second_slot = f"127.0.0.1:{pcscd.vpcd_port + 1}"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "emulate", "--profile", "adult", "--vpcd", second_slot],
        cwd=ROOT,
        env={**os.environ, **pcscd.client_env},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "Virtual PCD" in process.stdout.readline()
    while (line := process.stdout.readline().strip()) != "card on the reader":
        assert line.startswith("waiting for pcscd"), line
    asyncio.run(PcscReader("Virtual PCD 00 01").wait_for_card(10))
    yield process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def opensc(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_opensc_recognises_a_jpki_card(emulator: subprocess.Popen[str], client_env: dict[str, str]) -> None:
    assert opensc(client_env, "opensc-tool", "--reader", SLOT, "--name").strip() == "jpki"


def test_opensc_reads_the_tries_left_of_both_pins(emulator, client_env: dict[str, str]) -> None:
    listing = opensc(client_env, "pkcs15-tool", "--reader", SLOT, "--list-pins")
    tries = dict(re.findall(r"PIN \[(.+?)\].*?Tries left\s*:\s*(\d+)", listing, re.S))
    assert tries == {"User Authentication PIN": "3", "Digital Signature PIN": "5"}


def test_opensc_reads_the_certificate_the_emulator_holds(emulator, client_env: dict[str, str]) -> None:
    pem = opensc(client_env, "pkcs15-tool", "--reader", SLOT, "--read-certificate", "01")
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    assert der == training_pki().cards["adult"].auth_certificate
