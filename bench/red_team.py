"""The red team's attack classes against the reservation service and the command line, re-run:
each class prints what was tried, what held, how many answers were 5xx (503 ``storage-unavailable``
counted apart: it is the designed answer to a broken database), how many tracebacks, and the
figures the bars name (acknowledged reservations lost, the service's memory during four
concurrent 100 MB uploads, how long another terminal waited meanwhile).

    .venv/bin/python bench/red_team.py

Everything runs on this machine: ``jpki-reset serve`` processes on loopback with the production
defaults (rate limits on), SQLite files in a temporary directory, stopped by PID. The storage
classes that need a small or read-only file system mount a tmpfs, which needs root; without root
they are reported as not run.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.clock import JST
from reset_flow.errors import ServiceRefused, ServiceUnreachable
from reset_flow.proof import ProofPurpose
from reset_flow.serve_process import ROOT, TOKEN, ServeProcess, register_token, start_serve
from reset_flow.training_proof import TrainingProver

OPEN_MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")
SIGN, AUTH = PinKind.SIGN, PinKind.AUTH
OTHER = "red-team-second-terminal-token-0123"
NO_LIMITS = ("--proofs-per-minute", "0", "--challenges-per-minute", "0")
MiB = 2**20


@dataclass
class Result:
    name: str
    tried: int = 0
    held: int = 0
    server_errors: int = 0  # 5xx other than 503 storage-unavailable
    unavailable: int = 0  # 503 storage-unavailable
    tracebacks: int = 0
    notes: list[str] = field(default_factory=list)

    def answer(self, status: int, held: bool, body: dict | None = None) -> None:
        self.tried += 1
        self.held += bool(held)
        if status == 503 and (body or {}).get("code") == "storage-unavailable":
            self.unavailable += 1
        elif status >= 500:
            self.server_errors += 1


RESULTS: list[Result] = []


def result(name: str) -> Result:
    RESULTS.append(Result(name))
    return RESULTS[-1]


def tracebacks_in(path: Path) -> int:
    return path.read_text(errors="replace").count("Traceback (most recent call last)")


def json_of(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def proof_body(prover: TrainingProver, nonce: bytes, reset: PinKind = SIGN, der: bytes | None = None) -> dict:
    proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)
    body = {"reset": reset.value, "nonce": nonce.hex(), "signature": b64(proof.signature)}
    body["auth_certificate"] = b64(der if der is not None else proof.auth_certificate)
    if proof.sign_certificate:
        body["sign_certificate"] = b64(proof.sign_certificate)
    return body


@contextlib.contextmanager
def served(
    folder: Path,
    name: str,
    *,
    extra: tuple[str, ...] = (),
    at: datetime = OPEN_MORNING,
    database: Path | None = None,
) -> Iterator[ServeProcess]:
    server = start_serve(
        database or folder / f"{name}.sqlite3", log=folder / f"{name}.log", training_at=at, extra=extra
    )
    try:
        yield server
    finally:
        server.stop()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """The largest resident size of ``pid`` while the block runs (sampled every 10 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self) -> PeakMemory:
        self.before = rss_mib(self.pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.01)

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- 1. credentials, bodies and memory --------------------------------------------------------

ENDPOINTS = [
    ("POST", "/v1/challenges"),
    ("POST", "/v1/reservations"),
    ("GET", "/v1/time"),
    ("GET", "/v1/audit"),
    ("GET", f"/v1/cards/{'0' * 32}/reservations"),
    ("POST", f"/v1/reservations/{'0' * 32}/authorisations"),
    ("POST", f"/v1/reservations/{'0' * 32}/completion"),
]


# Each probe opens alike (its result, a prover, a database, a served process) and closes alike
# (notes, the server's tracebacks); what it sends in between is its own.
def bad_credentials(folder: Path) -> None:
    found = result("1a bad credentials on every /v1 endpoint")
    credentials = [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": "Bearer ' OR 1=1 --"},
        {"Authorization": "Bearer " + "A" * 65536},
        {"Authorization": f"bearer  {TOKEN[::-1]}"},
        {"Authorization": "Token abc"},
        {"X-Token": TOKEN},
    ]
    with served(folder, "credentials") as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for method, path in ENDPOINTS:
            for headers in credentials:
                try:
                    answer = http.request(method, path, headers=headers, json={})
                except httpx.TransportError:
                    found.answer(0, True)  # the server closed an oversized header: nothing served
                    continue
                found.answer(
                    answer.status_code, answer.status_code in (400, 401, 413, 429, 431), json_of(answer)
                )
        found.tracebacks += tracebacks_in(server.log)
    found.notes.append("429 too-many-failed-tokens after 20 refusals from one address, as designed")


def huge_bodies(folder: Path) -> None:
    found = result("2 huge bodies: memory and other terminals")
    chunk = b"[" + b"1," * (MiB // 2)

    def body(size: int) -> Iterator[bytes]:
        sent = 0
        while sent < size:
            yield chunk
            sent += len(chunk)

    def upload(url: str, token: str | None, declared: bool) -> int:
        headers = {"Content-Type": "application/json"} | (
            {"Authorization": f"Bearer {token}"} if token else {}
        )
        if declared:
            headers["Content-Length"] = str(100 * MiB)
        try:
            with httpx.Client(timeout=60) as http:
                return http.post(
                    url + "/v1/reservations", content=body(100 * MiB), headers=headers
                ).status_code
        except httpx.TransportError:
            return 0  # refused and closed before the client finished sending: nothing was read

    with served(folder, "bodies") as server:
        waits: list[float] = []
        stop = threading.Event()

        def other_terminal() -> None:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
                while not stop.is_set():
                    began = time.perf_counter()
                    http.get("/v1/time")
                    waits.append(time.perf_counter() - began)
                    time.sleep(0.01)

        watcher = threading.Thread(target=other_terminal, daemon=True)
        watcher.start()
        peaks = []
        for token, declared in (
            (None, True),
            (None, False),
            ("wrong-token", False),
            (TOKEN, True),
            (TOKEN, False),
        ):
            with PeakMemory(server.pid) as memory:
                threads, statuses = [], []

                def one(token: str | None, declared: bool, into: list[int]) -> None:
                    into.append(upload(server.url, token, declared))

                for _ in range(4):
                    t = threading.Thread(target=one, args=(token, declared, statuses))
                    t.start()
                    threads.append(t)
                for t in threads:
                    t.join()
            peaks.append(memory.peak)
            for status in statuses:
                found.answer(status, status in (0, 401, 413, 429))
        stop.set()
        watcher.join()
        found.tracebacks += tracebacks_in(server.log)
    found.notes.append(f"service memory peak during four concurrent 100 MB uploads: {max(peaks):.0f} MiB")
    found.notes.append(f"another terminal's GET /v1/time meanwhile: max {max(waits) * 1000:.0f} ms")


# --- 2. limits, roles and the service's own rules ---------------------------------------------


def rate_limits(folder: Path) -> None:
    found = result("1e rate limits (tokens, proofs, challenges)")
    prover = TrainingProver("adult")
    with served(folder, "limits") as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer nope"}) as http:
            codes = [http.post("/v1/challenges").status_code for _ in range(40)]
        found.answer(max(codes), 429 in codes)
        found.notes.append(f"wrong tokens: first 429 at #{codes.index(429) + 1 if 429 in codes else 'never'}")
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            challenge_codes = [http.post("/v1/challenges").status_code for _ in range(40)]
        found.answer(max(challenge_codes), 429 in challenge_codes)
    with served(folder, "proof-limits", extra=("--challenges-per-minute", "0")) as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            proof_codes = []
            for _ in range(30):
                nonce = bytes.fromhex(http.post("/v1/challenges").json()["nonce"])
                forged = proof_body(prover, nonce) | {"signature": b64(os.urandom(256))}
                proof_codes.append(http.post("/v1/reservations", json=forged).status_code)
        found.answer(max(proof_codes), 429 in proof_codes)
        found.notes.append(f"forged proofs: {Counter(proof_codes)}")
        found.tracebacks += tracebacks_in(server.log)


# The probes open alike (their result, a training prover, often a database of their own) and close
# alike (notes, the tracebacks in the log); what each attacks in between is its own.
def terminals_and_cryptograms(folder: Path) -> None:
    found = result("1f/1g cross-terminal reach, cryptograms per reservation")
    prover = TrainingProver("adult")
    database = folder / "terminals.sqlite3"
    register_token(database, OTHER, name="counter-2")
    with served(folder, "terminals", extra=NO_LIMITS, database=database) as server:

        async def run() -> None:
            one = ReservationClient.remote(server.url, TOKEN)
            two = ReservationClient.remote(server.url, OTHER)
            nonce = (await one.new_challenge()).nonce
            made = await one.reserve(
                SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, nonce), idempotency_key="terminals-r-1"
            )
            grants = []
            for n in range(4):
                nonce = (await one.new_challenge()).nonce
                proof = prover.proof(ProofPurpose.AUTHORISATION, SIGN, nonce)
                try:
                    grants.append(
                        await one.authorise(made.id, proof, b"\x01" * 8, idempotency_key=f"terminals-a-{n}")
                    )
                    found.answer(200, n < 3)
                except ServiceRefused as refused:
                    found.answer(refused.status, n == 3 and refused.code == "authorisations-exhausted")
            theirs = (await two.http.get("/v1/audit")).json()["entries"]
            found.answer(200, all(e["terminal_id"] != 1 for e in theirs))
            try:
                await two.complete(made.id, grants[-1].id, idempotency_key="terminals-c-2")
                found.answer(200, False)
            except ServiceRefused as refused:
                found.answer(refused.status, refused.code == "other-terminal")
            try:
                await one.complete(made.id, grants[0].id, idempotency_key="terminals-c-1")
                found.answer(200, False)
            except ServiceRefused as refused:
                found.answer(refused.status, refused.code == "authorisation-superseded")
            await one.aclose()
            await two.aclose()

        asyncio.run(run())
        found.tracebacks += tracebacks_in(server.log)


def malformed_certificates(folder: Path) -> None:
    found = result("1h forged proofs: 400 mutated certificates")
    prover = TrainingProver("adult")
    der = prover.credentials.auth_certificate
    rng = random.Random(2282)
    with served(folder, "certificates", extra=NO_LIMITS) as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            statuses = Counter()
            for n in range(400):
                mutated = bytearray(der)
                mutated[rng.randrange(len(der))] = rng.randrange(256)
                nonce = bytes.fromhex(http.post("/v1/challenges").json()["nonce"])
                answer = http.post(
                    "/v1/reservations",
                    json=proof_body(prover, nonce, der=bytes(mutated)),
                    headers={"Idempotency-Key": f"mutated-{n:04d}"},
                )
                statuses[f"{answer.status_code} {json_of(answer).get('code', '')}"] += 1
                found.answer(answer.status_code, answer.status_code < 500)
            audited = len(http.get("/v1/audit", params={"limit": 10000}).json()["entries"])
        found.notes.append(f"answers: {dict(statuses.most_common())}; audit rows: {audited} of 400")
        found.tracebacks += tracebacks_in(server.log)


def clock_went_back(folder: Path) -> None:
    found = result("1k a service clock that went back")
    prover = TrainingProver("adult")
    database = folder / "clock.sqlite3"
    ahead = served(folder, "clock-ahead", extra=NO_LIMITS, database=database)
    behind = served(
        folder, "clock-behind", extra=NO_LIMITS, database=database, at=OPEN_MORNING - timedelta(hours=20)
    )
    with ahead as later, behind as earlier:

        async def run() -> None:
            async with (
                ReservationClient.remote(later.url, TOKEN) as a,
                ReservationClient.remote(earlier.url, TOKEN) as b,
            ):
                nonce = (await a.new_challenge()).nonce
                made = await a.reserve(
                    SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, nonce), idempotency_key="clock-r-1"
                )
                other = (await a.new_challenge()).nonce
                for call in (
                    b.reserve(
                        SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, other), idempotency_key="clock-r-2"
                    ),
                    b.authorise(
                        made.id,
                        prover.proof(ProofPurpose.AUTHORISATION, SIGN, (await b.new_challenge()).nonce),
                        b"\x01" * 8,
                        idempotency_key="clock-a-1",
                    ),
                ):
                    try:
                        await call
                        found.answer(200, False)
                    except ServiceRefused as refused:
                        found.answer(refused.status, refused.code == "service-clock-behind")

        asyncio.run(run())
        found.tracebacks += tracebacks_in(later.log) + tracebacks_in(earlier.log)


def races(folder: Path) -> None:
    found = result("1l 100 concurrent completions, two processes on one SQLite file")
    prover = TrainingProver("adult")
    database = folder / "races.sqlite3"
    with (
        served(folder, "race-1", extra=NO_LIMITS, database=database) as first,
        served(folder, "race-2", extra=NO_LIMITS, database=database) as second,
    ):

        async def run() -> list[int]:
            async with ReservationClient.remote(first.url, TOKEN) as service:
                nonce = (await service.new_challenge()).nonce
                made = await service.reserve(
                    SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, nonce), idempotency_key="race-r-1"
                )
                nonce = (await service.new_challenge()).nonce
                grant = await service.authorise(
                    made.id,
                    prover.proof(ProofPurpose.AUTHORISATION, SIGN, nonce),
                    b"\x01" * 8,
                    idempotency_key="race-a-1",
                )
            limits = httpx.Limits(max_connections=50, max_keepalive_connections=0)
            headers = {"Authorization": f"Bearer {TOKEN}"}
            clients = [
                httpx.AsyncClient(base_url=s.url, headers=headers, limits=limits, timeout=60)
                for s in (first, second)
            ]
            answers = await asyncio.gather(
                *(
                    clients[n % 2].post(
                        f"/v1/reservations/{made.id}/completion",
                        json={"authorisation_id": grant.id},
                        headers={"Idempotency-Key": f"race-c-{n:04d}"},
                    )
                    for n in range(100)
                )
            )
            for client in clients:
                await client.aclose()
            return [a.status_code for a in answers]

        statuses = asyncio.run(run())
        for status in statuses:
            found.answer(status, status in (200, 409))
        found.notes.append(f"completions: {dict(Counter(statuses))} (one 200 expected)")
        if statuses.count(200) != 1:
            found.held -= len(statuses)
        found.tracebacks += tracebacks_in(first.log) + tracebacks_in(second.log)


def bad_input(folder: Path) -> None:
    found = result("2 hand-written bad input")
    rng = random.Random(538)
    values = [
        None,
        True,
        0,
        -1,
        1e308,
        "",
        "x" * 9000,
        [],
        {},
        [1] * 500,
        {"a": {"b": {"c": 1}}},
        "\u0000",
        "é" * 100,
    ]
    fields = [
        "reset",
        "auth_certificate",
        "sign_certificate",
        "nonce",
        "signature",
        "card_challenge",
        "authorisation_id",
    ]
    with served(folder, "input", extra=NO_LIMITS) as server:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as http:
            for n in range(540):
                method, path = ENDPOINTS[n % len(ENDPOINTS)]
                shape = n % 5
                if shape == 0:
                    content = json.dumps(
                        {rng.choice(fields): rng.choice(values) for _ in range(rng.randrange(1, 6))}
                    )
                elif shape == 1:
                    content = json.dumps(rng.choice(values))
                elif shape == 2:
                    content = "{" * rng.randrange(1, 2000)
                elif shape == 3:
                    content = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000))).decode(
                        "latin-1"
                    )
                else:
                    content = json.dumps({f: rng.choice(values) for f in fields})
                headers = {
                    "Content-Type": rng.choice(
                        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
                    )
                }
                if n % 7 == 0:
                    headers["Idempotency-Key"] = rng.choice(
                        ["", "x", "null", "a" * 200, "ok-key-12345", "é" * 10]
                    )
                try:
                    answer = http.request(
                        method if n % 11 else rng.choice(["PUT", "DELETE", "PATCH"]),
                        path,
                        content=content.encode("utf-8", "surrogatepass"),
                        headers=headers,
                    )
                except (httpx.TransportError, UnicodeEncodeError):
                    found.answer(0, True)
                    continue
                found.answer(answer.status_code, answer.status_code < 500)
        found.tracebacks += tracebacks_in(server.log)


# --- 3. durability and storage ------------------------------------------------------------------


def kill_round(database: Path, folder: Path, number: int, acknowledged: list[str]) -> int:
    """A burst of 16 clients, the service SIGKILLed in the middle; the tracebacks in its log."""
    provers = [TrainingProver(p) for p in PROFILES]
    server = start_serve(
        database, log=folder / f"kill-{number}.log", training_at=OPEN_MORNING, extra=NO_LIMITS
    )
    killed = asyncio.Event()

    # The SIGKILL tests (tests/reset_flow/test_served.py, test_shared_postgres.py) run a worker like
    # this one; a bench imports only the project, never the tests, so it has its own.
    async def worker(n: int, service: ReservationClient) -> None:
        reset, prover = (SIGN, AUTH)[n % 2], provers[n % 4]
        for attempt in range(10_000):
            try:
                nonce = (await service.new_challenge()).nonce
                proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)
                made = await service.reserve(reset, proof, idempotency_key=f"kill-{number}-{n}-{attempt}")
            except (ServiceUnreachable, ServiceRefused):
                return
            acknowledged.append(made.id)
            if len(acknowledged) >= 150 * (number + 1) and not killed.is_set():
                killed.set()
                server.kill()

    async def burst() -> None:
        async with ReservationClient.remote(server.url, TOKEN, timeout=10) as service:
            service.attempts = 1
            await asyncio.gather(*(worker(n, service) for n in range(16)))

    asyncio.run(burst())
    server.stop()
    return tracebacks_in(server.log)


def sigkill(folder: Path) -> None:
    import sqlite3

    found = result("3a SIGKILL of serve mid-burst (3 rounds, 16 clients)")
    database = folder / "kill.sqlite3"
    acknowledged: list[str] = []
    for number in range(3):
        found.tracebacks += kill_round(database, folder, number, acknowledged)
    with sqlite3.connect(database) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM reservations")}
    lost = [rid for rid in acknowledged if rid not in stored]
    found.tried, found.held = len(acknowledged), len(acknowledged) - len(lost)
    found.notes.append(f"acknowledged reservations: {len(acknowledged)}, lost: {len(lost)}")


def storage(folder: Path) -> None:
    found = result("3b-3d storage: deleted, disk full, read-only at start")
    prover = TrainingProver("adult")

    def attempt(server: ServeProcess, n: int) -> None:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as http:
            nonce = bytes.fromhex(http.post("/v1/challenges").json()["nonce"])
            answer = http.post(
                "/v1/reservations", json=proof_body(prover, nonce), headers={"Idempotency-Key": f"st-{n:05d}"}
            )
            found.answer(answer.status_code, answer.status_code in (200, 503), json_of(answer))
            health = http.get("/health")
            found.answer(
                health.status_code, health.status_code in (200, 503), {"code": "storage-unavailable"}
            )

    database = folder / "deleted.sqlite3"
    with served(folder, "deleted", extra=NO_LIMITS, database=database) as server:
        attempt(server, 0)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{database}{suffix}")
        for n in range(1, 40):
            attempt(server, n)
        found.tracebacks += tracebacks_in(server.log)
    recreated = database.exists()
    found.notes.append(f"deleted database recreated: {'yes' if recreated else 'no'}")
    if os.geteuid() != 0:
        found.notes.append("disk full and read-only: not run (mounting a tmpfs needs root)")
        return
    disk = folder / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        with served(folder, "full", extra=NO_LIMITS, database=disk / "full.sqlite3") as server:
            attempt(server, 100)
            filler = os.open(disk / "filler", os.O_CREAT | os.O_WRONLY)
            with contextlib.suppress(OSError):
                while os.write(filler, b"\0" * 4096):
                    pass
            os.close(filler)
            for n in range(101, 300):
                attempt(server, n)
            os.remove(disk / "filler")
            time.sleep(0.5)
            for n in range(300, 310):
                attempt(server, n)
            found.tracebacks += tracebacks_in(server.log)
        found.notes.append("disk full: answered 503 storage-unavailable while full, served again after")
        register_token(disk / "read-only.sqlite3")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "serve", "--db", str(disk / "read-only.sqlite3")],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        lines = done.stderr.strip().splitlines()
        found.tried += 1
        found.held += done.returncode == 5 and len(lines) == 1 and "storage-unavailable" in lines[0]
        found.tracebacks += "Traceback" in done.stderr
        found.notes.append(
            f"start on a read-only file system: exit {done.returncode}, {lines[-1] if lines else ''}"
        )
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    found.notes.append(f"503 storage-unavailable answers (designed): {found.unavailable}")


# --- 4. the command line ------------------------------------------------------------------------


def command_line(folder: Path) -> None:
    found = result("4c bad serve options and database paths")
    (folder / "text.txt").write_text("not a database\n" * 50)
    (folder / "random.bin").write_bytes(os.urandom(8192))
    os.mkfifo(folder / "fifo")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    good = folder / "good.sqlite3"
    register_token(good)
    cases: list[tuple[list[str], set[int]]] = [
        (["--db", "/dev/null"], {5}),
        (["--db", str(folder)], {5}),
        (["--db", str(folder / "text.txt")], {5}),
        (["--db", str(folder / "random.bin")], {5}),
        (["--db", str(folder / "text.txt" / "x.db")], {5}),
        (["--db", "/proc/version"], {5}),
        (["--db", str(folder / "fifo")], {5}),
        (["--db", str(folder / ("x" * 300))], {5}),
        (["--db", ""], {2}),
        (["--db", str(folder / "missing.sqlite3")], {5}),
        (["--db", "postgresql:///nope?host=/nonexistent"], {5}),
        (["--db", str(good), "--port", "99999"], {2}),
        (["--db", str(good), "--port", "-1"], {2}),
        (["--db", str(good), "--port", "x"], {2}),
        (["--db", str(good), "--host", "999.1.1.1"], {5}),
        (["--db", str(good), "--host", "no-such-host.invalid"], {5}),
        (["--db", str(good), "--port", str(busy.getsockname()[1])], {5}),
        (["--db", str(good), "--tls-cert", "x.pem"], {2}),
        (["--db", str(good), "--tls-cert", "a", "--tls-key", "b"], {5}),
        (["--db", str(good), "--revoke-terminal", "nobody-at-all"], {5}),
        (["--db", str(good), "--training-at", "yesterday"], {5}),
        (["--db", str(good), "--anchor", "auth"], {5}),
        (["--db", str(good), "--proofs-per-minute", "-5"], {2}),
    ]
    codes = Counter()
    for options, expected in cases:
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "serve", *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        lines = done.stderr.strip().splitlines()
        traceback = "Traceback" in done.stderr
        found.tracebacks += traceback
        codes[done.returncode] += 1
        found.tried += 1
        found.held += done.returncode in expected and len(lines) == 1 and not traceback
    busy.close()
    found.notes.append(f"exit codes: {dict(codes)}")


def recordings(folder: Path) -> None:
    found = result("4 mutated recordings -> status --json (in-process)")
    from tui.cli import main as cli

    sources = sorted((ROOT / "recordings").glob("card-check-*.jsonl"))
    rng = random.Random(2003)
    kinds = Counter()
    for n in range(2003):
        text = rng.choice(sources).read_text()
        lines = text.splitlines()
        kind = n % 10
        if kind == 0:
            data = bytearray(text.encode())
            data[rng.randrange(len(data))] = rng.randrange(256)
            content = bytes(data)
        elif kind == 1:
            content = text[: rng.randrange(len(text))].encode()
        elif kind == 2:
            at = rng.randrange(1, len(lines))
            obj = json.loads(lines[at])
            if "r" in obj:
                r = bytearray(bytes.fromhex(obj["r"].replace(" ", "")))
                r[rng.randrange(len(r))] ^= 1 << rng.randrange(8)
                obj["r"] = r.hex(" ").upper()
            lines[at] = json.dumps(obj)
            content = "\n".join(lines).encode()
        elif kind == 3:
            lines.insert(
                rng.randrange(1, len(lines)),
                '{"type":"apdu","c":"00 A4 00 00","r":"90 00","ms":'
                + rng.choice(["NaN", "Infinity", "1e400", "-1", "9" * 5000])
                + "}",
            )
            content = "\n".join(lines).encode()
        elif kind == 4:
            lines.insert(rng.randrange(1, len(lines)), "[" * 50_000 + "]" * 50_000)
            content = "\n".join(lines).encode()
        elif kind == 5:
            del lines[rng.randrange(len(lines))]
            content = "\n".join(lines).encode()
        elif kind == 6:
            content = ("\ufeff" + text.replace("\n", "\r\n")).encode()
        elif kind == 7:
            at = rng.randrange(1, len(lines))
            obj = json.loads(lines[at])
            if "r" in obj:
                obj["r"] = obj["r"][:-5] + rng.choice(["6A 82", "69 82", "63 C0", "67 00"])
            lines[at] = json.dumps(obj)
            content = "\n".join(lines).encode()
        elif kind == 8:
            at = rng.randrange(len(lines))
            obj = json.loads(lines[at])
            obj[rng.choice(list(obj))] = rng.choice([None, 1, [], {}, "x" * 100, True])
            lines[at] = json.dumps(obj)
            content = "\n".join(lines).encode()
        else:
            lines.append(json.dumps({"type": "apdu", "c": "00 B0 00 00 " + "00 " * 200000, "r": "90 00"}))
            content = "\n".join(lines).encode()
        path = folder / "fuzz.jsonl"
        path.write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli(["status", "--reader", f"replay:{path}", "--json"])
        except Exception:
            found.tracebacks += 1
            code = 1
        kinds[code] += 1
        found.tried += 1
        found.held += code in (0, 2, 3, 4, 5)
    found.notes.append(f"exit codes: {dict(sorted(kinds.items()))}")


def main() -> None:
    began = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="jpki-red-team-"))
    try:
        for attack in (
            bad_credentials,
            huge_bodies,
            rate_limits,
            terminals_and_cryptograms,
            malformed_certificates,
            clock_went_back,
            races,
            bad_input,
            sigkill,
            storage,
            command_line,
            recordings,
        ):
            attack(folder)
            print(
                f"  done: {RESULTS[-1].name} ({time.perf_counter() - began:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'class':<62} {'tried':>6} {'held':>6} {'5xx':>5} {'503':>5} {'tracebacks':>10}")
    for r in RESULTS:
        print(_line(r))
        for note in r.notes:
            print(f"    {note}")
    counts = ("tried", "held", "server_errors", "unavailable", "tracebacks")
    print(_line(Result("total", *(sum(getattr(r, name) for r in RESULTS) for name in counts))))


def _line(r: Result) -> str:
    return f"{r.name:<62} {r.tried:>6} {r.held:>6} {r.server_errors:>5} {r.unavailable:>5} {r.tracebacks:>10}"


if __name__ == "__main__":
    main()
