"""No PIN ever reaches the service, the database, a log or an exception message: both steps run
with marker PINs (a wrong proof PIN and a new PIN) through uvicorn, with every log at DEBUG, and
each place a PIN could end up is searched for the markers in every spelling."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import httpx
import pytest

from readers.jpki import PinKind
from readers.pin import Pin
from readers.training_card.issuer import TrainingIssuer
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock
from reset_flow.states import ChoosePin, PinWasWrong, ReservationMade, ResetDone
from reset_flow.step1 import Step1
from reset_flow.step2 import Step2
from tests.reset_flow.conftest import OPEN_MORNING, WatchedReader, is_verify_with_pin
from tests.reset_flow.served import TOKEN, serve

pytestmark = pytest.mark.integration
WRONG_MARKER = "QXWRONGMARK9"  # a wrong signing PIN: spends one try
NEW_MARKER = "QXNEWMARKER7"  # the new signing PIN
MARKERS = (WRONG_MARKER, NEW_MARKER)


def spellings(marker: str) -> list[bytes]:
    raw = marker.encode()
    return [
        raw,
        raw.lower(),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        " ".join(f"{b:02X}" for b in raw).encode(),
        base64.b64encode(raw),
        marker.encode("utf-16-le"),
    ]


def assert_no_marker(where: str, data: bytes) -> None:
    for marker in MARKERS:
        for spelling in spellings(marker):
            assert spelling not in data, f"a PIN ({marker}) reached {where}"


class Tap(httpx.AsyncBaseTransport):
    """Everything the laptop sends to the service, byte for byte."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent = bytearray()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += f"{request.method} {request.url}\n".encode()
        self.sent += b"".join(k + b": " + v + b"\n" for k, v in request.headers.raw)
        self.sent += await request.aread()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_marker_pins_go_nowhere_but_the_card(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # the readers' APDU log included
    server = serve(tmp_path / "leak.sqlite3", training_at=OPEN_MORNING, log_level="debug")
    tap = Tap()
    http = httpx.AsyncClient(transport=tap, base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    clock = FixedClock(OPEN_MORNING)
    states: list[object] = []
    try:
        async with ReservationClient(http) as service:
            reader = WatchedReader("auth-blocked")  # reset the auth PIN, proven by the signing PIN
            one = Step1(reader, service, clock)
            assert isinstance(await one.start(), ChoosePin)
            await one.choose_pin(PinKind.AUTH)
            await one.confirm_identity()
            wrong = await one.enter_pin(Pin(WRONG_MARKER))
            assert isinstance(wrong, PinWasWrong) and wrong.tries_left == 4
            states += [wrong, await one.enter_pin(Pin("TRAIN1234"))]
            assert isinstance(states[-1], ReservationMade)

            reader = WatchedReader("sign-blocked")  # reset the signing PIN to the new marker
            first = Step1(reader, service, clock)
            await first.start()
            await first.choose_pin(PinKind.SIGN)
            await first.answer_signing_questions(details_changed=False, loss_reported=False)
            await first.confirm_identity()
            states.append(await first.enter_pin(Pin("1234")))
            two = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
            states += [await two.start(), await two.enter_pin(Pin("1234"))]
            states.append(await two.enter_new_pin(Pin(NEW_MARKER), Pin(NEW_MARKER)))
            assert isinstance(states[-1], ResetDone)
            # The marker really went to the card (so finding it nowhere else means something).
            assert any(NEW_MARKER.encode() in c for c in reader.sent if c[1] == 0x2C)
            assert any(WRONG_MARKER.encode() in c for c in one.session.reader.sent if is_verify_with_pin(c))
    finally:
        server.stop()

    assert_no_marker("the service (requests)", bytes(tap.sent))
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{server.database}{suffix}")
        if path.exists():
            assert_no_marker(path.name, path.read_bytes())
    assert_no_marker("the service's log", server.log.read_bytes())
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert "VERIFY" in log_text  # the APDU log ran at DEBUG
    assert_no_marker("the laptop's log", log_text.encode())
    assert_no_marker("the flow states", repr(states).encode())


def test_pin_never_shows_in_messages_or_reprs() -> None:
    pin = Pin(NEW_MARKER)
    texts = [str(pin), repr(pin), f"{pin}", f"{pin!r}", str([pin]), str({"pin": pin})]
    assert_no_marker("a PIN's text", "\n".join(texts).encode())
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(pin)
