"""Named card conversations: what ``jpki-reset record`` records and what tests replay.

Each conversation drives a card's applet sessions and returns an outcome, a list of short lines. A
recording keeps the conversation's name and outcome in its header, so replaying it must give the
same outcome. Conversations never print a PIN, and the PINs they are given come from the caller.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from readers.apdu import Command
from readers.card_check import check_card
from readers.card_identity import card_identity
from readers.connection import CardConnection
from readers.errors import CardRemoved, JpkiResetError, TrainingCardOnly
from readers.issuer import IssuerCommandsFor, ResetAuthority
from readers.jpki import CertificateKind, JpkiSession, PinKind
from readers.jpki_applet import AID_JPKI
from readers.pin import Pin
from readers.pins import LastTryConfirmation
from readers.reader import Reader
from readers.recorder import RecordingReader
from readers.training_card.profiles import AUTH_PIN, SIGN_PIN

# A fixed challenge, so that a replayed signature request is byte-identical to the recorded one.
DEMO_CHALLENGE = b"jpki-reset recorded challenge v1"


@dataclass
class Stage:
    """What the person at the reader does during a conversation, and the PINs they type.

    The default PINs are the training cards'. ``confirm_last_try`` is asked before a PIN's last
    try is used: None (the default) means nobody confirms, so a last try is never used. The
    issuer's two halves (its card commands and its authority) are given by the caller, as to the
    flows and the service: this module never names the training issuer.
    """

    auth_pin: Pin = field(default_factory=lambda: Pin(AUTH_PIN))
    sign_pin: Pin = field(default_factory=lambda: Pin(SIGN_PIN))
    wrong_pin: Pin = field(default_factory=lambda: Pin("9999"))
    new_pin: Pin = field(default_factory=lambda: Pin("NEW2PIN"))
    put_card_back: Callable[[], Awaitable[None]] | None = None
    issuer_commands: IssuerCommandsFor | None = None  # the issuer's card commands, if at hand
    reset_authority: ResetAuthority | None = None  # and its authority's cryptograms
    confirm_last_try: LastTryConfirmation | None = None


Run = Callable[[Reader, Stage], Awaitable[list[str]]]


@dataclass(frozen=True)
class Conversation:
    """A named conversation and what it puts at stake: the PINs it sends (each wrong one spends a
    try), and whether it may run only on a training card or a recording."""

    name: str
    run: Run
    pins: tuple[PinKind, ...] = ()
    training_only: bool = False

    async def __call__(self, reader: Reader, stage: Stage) -> list[str]:
        if self.training_only and reader.info.transport not in SCRIPTED_TRANSPORTS:
            raise TrainingCardOnly(
                f"the conversation {self.name!r} runs only on a training card or a recording"
            )
        return await self.run(reader, stage)


# Readers whose card is the emulator or a recording: the only ones a script may drive freely.
SCRIPTED_TRANSPORTS = ("emulated", "replay")
CONVERSATIONS: dict[str, Conversation] = {}


def conversation(
    name: str, *, pins: tuple[PinKind, ...] = (), training_only: bool = False
) -> Callable[[Run], Run]:
    def register(function: Run) -> Run:
        CONVERSATIONS[name] = Conversation(name, function, pins, training_only)
        return function

    return register


async def _verify(card: JpkiSession, kind: PinKind, pin: Pin, stage: Stage) -> None:
    """VERIFY under the card rules: at the last try only after the stage's person confirmed."""
    await card.verify(kind, pin, confirm_last_try=stage.confirm_last_try or False)


def _outcome_of(error: JpkiResetError) -> str:
    tries = getattr(error, "tries_left", None)
    return error.code if tries is None else f"{error.code} ({tries} left)"


@conversation("card-check")
async def card_check(reader: Reader, stage: Stage) -> list[str]:
    """Card kind, all tries, the authentication certificate: no PIN."""
    await reader.connect()
    try:
        report = await check_card(CardConnection(reader))
    except JpkiResetError as error:
        return [_outcome_of(error)]
    finally:
        await reader.disconnect()
    lines = [f"card: {report.info.kind.value} ({report.info.token})"]
    if report.face_authentication:
        lines.append("face-authentication card")
    for kind, status in report.pins.items():
        state = "not set" if status.not_set else f"{status.tries_left} of {status.max_tries}"
        lines.append(f"{kind.value} PIN: {state}")
    for kind, summary in report.certificates.items():
        lines.append(f"{kind.value} certificate: {'present' if summary.present else 'absent'}")
    return lines


@conversation("verify-auth", pins=(PinKind.AUTH,))
async def verify_auth(reader: Reader, stage: Stage) -> list[str]:
    """Tries query, then the right user-authentication PIN."""
    await reader.connect()
    card = JpkiSession(CardConnection(reader))
    try:
        status = await card.pin_status(PinKind.AUTH)
        lines = [f"auth tries: {status.tries_left}"]
        await _verify(card, PinKind.AUTH, stage.auth_pin, stage)
        return [*lines, "verify auth: ok"]
    finally:
        await reader.disconnect()


@conversation("wrong-pin-to-blocked", pins=(PinKind.AUTH,), training_only=True)
async def wrong_pin_to_blocked(reader: Reader, stage: Stage) -> list[str]:
    """Three wrong user-authentication PINs, the last one confirmed by the script itself (a
    training card or a recording only: ``Conversation`` refuses any other reader), then what the
    client and the card say about a blocked PIN."""
    await reader.connect()
    card = JpkiSession(CardConnection(reader))
    lines: list[str] = []
    scripted = replace(stage, confirm_last_try=lambda kind: True)  # a training card: no one to harm
    try:
        for _ in range(3):
            try:
                await _verify(card, PinKind.AUTH, stage.wrong_pin, scripted)
            except JpkiResetError as error:
                lines.append(_outcome_of(error))
        try:  # the client refuses to send a PIN to a blocked counter ...
            await _verify(card, PinKind.AUTH, stage.wrong_pin, scripted)
        except JpkiResetError as error:
            lines.append(f"client: {_outcome_of(error)}")
        # ... and the card itself answers 69 84 to anyone who does.
        raw = await card.connection.send(Command(0x00, 0x20, 0x00, 0x80, stage.wrong_pin.encode()))
        lines.append(f"card: {raw.sw:04X}")
    finally:
        await reader.disconnect()
    return lines


@conversation("sign-cert-before-verify")
async def sign_cert_before_verify(reader: Reader, stage: Stage) -> list[str]:
    """Reading the signing certificate without the signing PIN: the card refuses (69 82)."""
    await reader.connect()
    card = JpkiSession(CardConnection(reader))
    try:
        await card.read_certificate(CertificateKind.SIGN)
        return ["signing certificate read"]
    except JpkiResetError as error:
        return [_outcome_of(error)]
    finally:
        await reader.disconnect()


@conversation("cert-read-removed")
async def cert_read_removed(reader: Reader, stage: Stage) -> list[str]:
    """The card is lifted during the certificate read; put back, the read works."""
    lines: list[str] = []
    await reader.connect()
    try:
        await JpkiSession(CardConnection(reader)).read_certificate(CertificateKind.AUTH)
        lines.append("read complete")
    except CardRemoved as error:
        lines.append(_outcome_of(error))
    await reader.disconnect()
    if stage.put_card_back:
        await stage.put_card_back()
    await reader.connect()
    try:
        der = await JpkiSession(CardConnection(reader)).read_certificate(CertificateKind.AUTH)
        lines.append(f"after re-insert: {len(der)} bytes")
    finally:
        await reader.disconnect()
    return lines


async def step1_proof(
    card: JpkiSession, proof: PinKind, pin: Pin, challenge: bytes, stage: Stage | None = None
) -> tuple[bytes, bytes]:
    """Step 1's card work: tries, VERIFY the proof PIN, its certificate, a signature."""
    await card.pin_status(proof)
    await _verify(card, proof, pin, stage or Stage())
    kind = CertificateKind.AUTH if proof is PinKind.AUTH else CertificateKind.SIGN
    certificate = await card.read_certificate(kind)
    signature = await card.sign(proof, hashlib.sha256(challenge).digest())
    return certificate, signature


@conversation("step1-sign-reset", pins=(PinKind.AUTH,))
async def step1_sign_reset(reader: Reader, stage: Stage) -> list[str]:
    """Step 1 for a signing-PIN reset: proven with the user-authentication PIN."""
    await reader.connect()
    card = JpkiSession(CardConnection(reader))
    try:
        await card.connection.select_application(AID_JPKI)
        certificate, signature = await step1_proof(card, PinKind.AUTH, stage.auth_pin, DEMO_CHALLENGE, stage)
    finally:
        await reader.disconnect()
    return [f"certificate: {len(certificate)} bytes", f"signature: {len(signature)} bytes"]


@conversation("training-reset-sign", pins=(PinKind.AUTH,), training_only=True)
async def training_reset_sign(reader: Reader, stage: Stage) -> list[str]:
    """The training card's reset of the signing PIN, with the issuer's commands and authority at
    hand."""
    if stage.issuer_commands is None or stage.reset_authority is None:
        return ["no reset authority: skipped"]
    await reader.connect()
    card = JpkiSession(CardConnection(reader))
    try:
        await _verify(card, PinKind.AUTH, stage.auth_pin, stage)
        auth = await card.read_certificate(CertificateKind.AUTH)
        issuer = stage.issuer_commands(card.connection)
        challenge = await issuer.challenge(PinKind.SIGN)
        cryptogram = stage.reset_authority.cryptogram(card_identity(auth), challenge, PinKind.SIGN)
        await issuer.reset(PinKind.SIGN, cryptogram, stage.new_pin)
        status = await card.pin_status(PinKind.SIGN)
        return ["reset: ok", f"sign tries: {status.tries_left}"]
    finally:
        await reader.disconnect()


async def record(
    reader: Reader,
    name: str,
    out: Path,
    stage: Stage,
    *,
    card: str = "",
    title: str = "",
    description: str = "",
) -> list[str]:
    """Run conversation ``name`` through a recording tap and write the file, also when the
    conversation fails (then the header has no outcome and the error propagates)."""
    buffer = io.StringIO()
    tap = RecordingReader(reader, buffer, card=card, title=title, description=description)
    outcome: list[str] | None = None
    try:
        outcome = await CONVERSATIONS[name](tap, stage)
    finally:
        lines = buffer.getvalue().splitlines()
        if lines:
            header = json.loads(lines[0]) | {"conversation": name}
            if outcome is not None:
                header["outcome"] = outcome
            text = "\n".join([json.dumps(header, ensure_ascii=False), *lines[1:]]) + "\n"
            out.write_text(text, encoding="utf-8")
    return outcome
