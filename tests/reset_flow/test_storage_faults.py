"""SQLite on a file system that fills up or turns read-only under the running service (a small
tmpfs of the test's own; mounting needs root, as CI runs): every answer is a success or 503
``storage-unavailable``, ``/health`` says so, nothing acknowledged is lost, and the service recovers
without a restart when the disk does."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock
from reset_flow.errors import ServiceRefused
from reset_flow.proof import ProofPurpose
from reset_flow.service.app import build_app
from reset_flow.service.office import ServiceLimits
from reset_flow.service.sqlite_store import SqliteStore
from reset_flow.training_proof import TrainingProver
from tests.reset_flow.conftest import SERVICE_TOKEN, client_of, training_settings

pytestmark = pytest.mark.integration
PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def service_on(path: Path, clock: FixedClock) -> tuple[ReservationClient, SqliteStore]:
    store = SqliteStore(path, create=True)
    store.ensure_terminal("counter-1", SERVICE_TOKEN, clock.now())
    app = build_app(training_settings(clock, limits=ServiceLimits.off()), store)
    return ReservationClient(client_of(app), attempts=1), store


async def burst(service: ReservationClient, count: int, name: str) -> tuple[list[str], list[str]]:
    """Reservations one after another: (acknowledged ids, refusal codes)."""
    acknowledged, refusals = [], []
    for n in range(count):
        prover, reset = TrainingProver(PROFILES[n % 4]), (PinKind.SIGN, PinKind.AUTH)[n % 2]
        try:
            nonce = (await service.new_challenge()).nonce
            made = await service.reserve(
                reset, prover.proof(ProofPurpose.RESERVATION, reset, nonce), idempotency_key=f"{name}-{n:05d}"
            )
            acknowledged.append(made.id)
        except ServiceRefused as refused:
            refusals.append(f"{refused.status} {refused.code}")
    return acknowledged, refusals


async def health(service: ReservationClient) -> int:
    return (await service.http.get("/health")).status_code


async def test_a_full_disk_is_503_and_recovers(small_disk: Path, clock: FixedClock) -> None:
    service, store = service_on(small_disk / "reservations.sqlite3", clock)
    filler = small_disk / "filler"
    out = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while os.write(out, b"\0" * 4096):
            pass
    except OSError:
        pass  # the disk is full now
    finally:
        os.close(out)
    acknowledged, refusals = await burst(service, 60, "burst-1")
    assert refusals and set(refusals) == {"503 storage-unavailable"}
    assert await health(service) == 503
    filler.unlink()
    assert store.probe().value == "ok" and await health(service) == 200
    more, _ = await burst(service, 4, "burst-2")
    assert len(more) == 4
    with store.reading() as tx:
        assert all(tx.reservation(rid) is not None for rid in acknowledged + more)
    await service.aclose()


async def test_a_read_only_disk_is_503_and_recovers(small_disk: Path, clock: FixedClock) -> None:
    service, store = service_on(small_disk / "reservations.sqlite3", clock)
    before, _ = await burst(service, 4, "burst-3")
    store.close()  # idle for a moment: no file open, so the disk can be remounted read-only
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        _, refusals = await burst(service, 8, "burst-4")
        assert set(refusals) == {"503 storage-unavailable"} and len(refusals) == 8
        assert await health(service) == 503
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    after, refusals = await burst(service, 4, "burst-5")
    assert (len(after), refusals) == (4, [])
    assert await health(service) == 200
    with store.reading() as tx:
        assert all(tx.reservation(rid) is not None for rid in before + after)
    await service.aclose()
