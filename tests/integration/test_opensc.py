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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from readers.bridges.pcscd import PrivatePcscd
from readers.pcsc import PcscReader
from readers.training_card.pki import training_pki

ROOT = Path(__file__).resolve().parents[2]
SLOT = "1"  # OpenSC's reader index of "Virtual PCD 00 01"
pytestmark = pytest.mark.usefixtures("emulator")  # every test talks to the emulated card


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


def test_opensc_recognises_a_jpki_card(client_env: dict[str, str]) -> None:
    assert opensc(client_env, "opensc-tool", "--reader", SLOT, "--name").strip() == "jpki"


def test_opensc_reads_the_tries_left_of_both_pins(client_env: dict[str, str]) -> None:
    listing = opensc(client_env, "pkcs15-tool", "--reader", SLOT, "--list-pins")
    tries = dict(re.findall(r"PIN \[(.+?)\].*?Tries left\s*:\s*(\d+)", listing, re.S))
    assert tries == {"User Authentication PIN": "3", "Digital Signature PIN": "5"}


@pytest.mark.parametrize(
    ("certificate_id", "held"),
    [
        ("01", lambda pki: pki.cards["adult"].auth_certificate),
        ("03", lambda pki: pki.auth_ca_certificate),
        ("04", lambda pki: pki.sign_ca_certificate),
    ],
    ids=["auth", "auth-ca", "sign-ca"],
)
def test_opensc_reads_the_certificates_the_emulator_holds(
    client_env: dict[str, str], certificate_id: str, held
) -> None:  # type: ignore[no-untyped-def]
    pem = opensc(client_env, "pkcs15-tool", "--reader", SLOT, "--read-certificate", certificate_id)
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    assert der == held(training_pki())


PKCS11_MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
HASHES = {
    "SHA256-RSA-PKCS": hashes.SHA256(),
    "SHA1-RSA-PKCS": hashes.SHA1(),
    "SHA224-RSA-PKCS": hashes.SHA224(),
}


@pytest.mark.parametrize("mechanism", ["SHA256-RSA-PKCS", "SHA1-RSA-PKCS", "SHA224-RSA-PKCS", "RSA-PKCS"])
def test_pkcs11_tool_signs_and_the_signature_verifies_with_the_certificate(
    client_env: dict[str, str], tmp_path: Path, mechanism: str
) -> None:  # type: ignore[no-untyped-def]
    if not Path(PKCS11_MODULE).exists():
        pytest.skip(f"OpenSC's PKCS#11 module is not at {PKCS11_MODULE}")
    message = b"signed through OpenSC's PKCS#11 module and its JPKI driver"
    (tmp_path / "in").write_bytes(message)
    opensc(
        client_env,
        "pkcs11-tool",
        "--module",
        PKCS11_MODULE,
        "--slot-description",
        "Virtual PCD 00 01",  # the first slot of this reader: the user-authentication PIN's
        "--login",
        "--pin",
        "1234",  # the training card's PIN (never a real one on a command line)
        "--sign",
        "--mechanism",
        mechanism,
        "--id",
        "01",
        "--input-file",
        str(tmp_path / "in"),
        "--output-file",
        str(tmp_path / "signature"),
    )
    signature = (tmp_path / "signature").read_bytes()
    key = x509.load_der_x509_certificate(training_pki().cards["adult"].auth_certificate).public_key()
    assert isinstance(key, rsa.RSAPublicKey) and len(signature) == 256
    if mechanism == "RSA-PKCS":  # raw data: the card padded exactly what it was given
        assert key.recover_data_from_signature(signature, padding.PKCS1v15(), None) == message
    else:
        key.verify(signature, message, padding.PKCS1v15(), HASHES[mechanism])
