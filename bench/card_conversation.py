"""Step 1 for a signing-PIN reset, card side, against the in-process training card.

    .venv/bin/python bench/card_conversation.py [runs]

Prints the APDUs and bytes each way of one conversation (select, tries query, VERIFY, read the
auth certificate, sign), the minimum APDU count that work needs with 256-byte reads (derived from
the commands the protocol needs and the size of the emulator's certificate file, not from our
client), and the emulator's time per conversation.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import time

from readers.conversations import DEMO_CHALLENGE, step1_proof
from readers.emulated import EmulatedReader
from readers.jpki import JpkiSession, PinKind
from readers.jpki_applet import AID_JPKI, EF_AUTH_CERT
from readers.pin import Pin
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki


class MeteredReader(EmulatedReader):
    def __init__(self, card: TrainingCard, extended: bool) -> None:
        super().__init__(card, extended_length=extended)
        self.apdus = self.sent_bytes = self.received_bytes = 0

    async def transmit(self, command: bytes) -> bytes:
        answer = await super().transmit(command)
        self.apdus += 1
        self.sent_bytes += len(command)
        self.received_bytes += len(answer)
        return answer


async def conversation(extended: bool) -> MeteredReader:
    reader = MeteredReader(TrainingCard("adult"), extended)
    await reader.connect()
    card = JpkiSession.on(reader)
    await card.connection.select_application(AID_JPKI)
    await step1_proof(card, PinKind.AUTH, Pin("1234"), DEMO_CHALLENGE)
    await reader.disconnect()
    return reader


# What step 1 of a signing-PIN reset needs from the card, by the protocol (docs/protocol.md), not
# by our client: each command once, in an order the card accepts.
STEP1_COMMANDS = (
    "SELECT the JPKI application",
    "SELECT the user-authentication PIN's file",
    "VERIFY without data: the tries left (the last try is never spent without asking)",
    "VERIFY the user-authentication PIN",
    "SELECT the user-authentication certificate's file",
    "READ BINARY, 256 bytes at a time with short APDUs, until the certificate is read",
    "SELECT the user-authentication key's file",
    "COMPUTE DIGITAL SIGNATURE over the proof",
)
SHORT_READ = 256  # the most a short APDU's Le asks for


def minimum_apdus(card: TrainingCard) -> tuple[int, int]:
    """The fewest APDUs of step 1 on ``card``, and the certificate file's size it is derived
    from (the emulator's data: the bytes the file holds, not what our client reads)."""
    size = len(card.files[AID_JPKI][EF_AUTH_CERT])
    return len(STEP1_COMMANDS) - 1 + math.ceil(size / SHORT_READ), size


async def main(runs: int) -> None:
    training_pki()  # load the PKI outside the timing
    for extended in (False, True):
        metered = await conversation(extended)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await conversation(extended)
            times.append((time.perf_counter() - started) * 1000)
        link = "extended-length link" if extended else "short APDUs (256-byte reads)"
        print(f"step 1, signing-PIN reset, {link}:")
        print(f"  APDUs            {metered.apdus}")
        print(f"  bytes to card    {metered.sent_bytes}")
        print(f"  bytes from card  {metered.received_bytes}")
        if not extended:
            least, size = minimum_apdus(TrainingCard("adult"))
            verdict = "equal" if metered.apdus == least else "ABOVE the minimum"
            print(f"  minimum APDUs    {least} (certificate file {size} bytes): ours {verdict}")
        print(
            f"  time/conversation median {statistics.median(times):.2f} ms, "
            f"p90 {statistics.quantiles(times, n=10)[-1]:.2f} ms over {runs} runs"
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
