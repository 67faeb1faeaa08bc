"""The card's side of ISO-DEP (ISO/IEC 14443-4 half-duplex block transmission), without I/O.

``IsoDepCard.receive(block)`` takes one block from the reader and returns the block to send back,
or None to stay silent (the reader then times out and asks again). It follows the PICC rules of
ISO/IEC 14443-4:

- the card's block number starts at 1 and toggles on every I-block received, and on every R(ACK)
  that moves a chained answer on;
- a chained command (I-block with the chaining bit) is acknowledged with R(ACK) and collected;
- an answer longer than the reader's frame size (FSD) goes out as chained I-blocks, each released
  by the reader's R(ACK);
- R(ACK) or R(NAK) carrying the card's current block number: send the last block again;
  R(NAK) with the other number (the reader's presence check): answer R(ACK);
- S(DESELECT) is answered with S(DESELECT) and ends the card's ISO-DEP session;
- a command the applet is slow with (RSA signing) first gets S(WTX), and the answer follows the
  reader's S(WTX) response.

No NAD; a CID is accepted and echoed when the reader sends one.
"""

from __future__ import annotations

from collections.abc import Callable

# PCB layouts (ISO/IEC 14443-4, 7.1.1.1).
I_BLOCK = 0x02
R_BLOCK = 0xA2
S_BLOCK = 0xC2
CHAINING = 0x10
CID_FOLLOWS = 0x08
NAD_FOLLOWS = 0x04
NAK = 0x10
S_DESELECT = 0x00
S_WTX = 0x30
BLOCK_NUMBER = 0x01

FRAME_OVERHEAD = 3  # PCB and the two EDC bytes count against the frame size


def frame_size(index: int) -> int:
    """FSC or FSD from its 4-bit index (values past 8 mean 256)."""
    return (16, 24, 32, 40, 48, 64, 96, 128, 256)[min(index, 8)]


def is_i_block(pcb: int) -> bool:
    return pcb & 0xE2 == I_BLOCK


def is_r_block(pcb: int) -> bool:
    return pcb & 0xE6 == R_BLOCK


def is_s_block(pcb: int) -> bool:
    return pcb & 0xC7 == S_BLOCK


class IsoDepCard:
    """One ISO-DEP session of a card. ``respond`` answers a complete command APDU; ``slow``
    says which commands deserve a waiting time extension first; ``wtxm`` is the multiplier asked."""

    def __init__(
        self,
        respond: Callable[[bytes], bytes],
        *,
        fsd: int = 256,
        cid: int = 0,
        slow: Callable[[bytes], bool] = lambda command: False,
        wtxm: int = 1,
    ) -> None:
        if not 1 <= wtxm <= 59:
            raise ValueError("WTXM is 1..59")
        self.respond = respond
        self.fsd = fsd
        self.cid = cid
        self.slow = slow
        self.wtxm = wtxm
        self.block_number = 1
        self.deselected = False
        self._command = bytearray()
        self._answer = b""  # what is left of the answer being sent
        self._chaining = False  # the answer continues after the last block sent
        self._waiting: bytes | None = None  # a command held back behind S(WTX)
        self._last: bytes | None = None

    def receive(self, block: bytes) -> bytes | None:
        """The block to send back for ``block``, or None for silence."""
        if self.deselected or not block:
            return None
        pcb = block[0]
        body = block[1:]
        prefix = b""
        if pcb & CID_FOLLOWS and (is_i_block(pcb) or is_r_block(pcb) or is_s_block(pcb)):
            if not body or body[0] & 0x0F != self.cid:
                return None  # addressed to another card
            prefix, body = body[:1], body[1:]
        if is_i_block(pcb):
            if pcb & NAD_FOLLOWS:
                body = body[1:]
            return self._on_i_block(pcb, body, prefix)
        if is_r_block(pcb):
            return self._on_r_block(pcb, prefix)
        if is_s_block(pcb):
            return self._on_s_block(pcb, body, prefix)
        return None

    def _send(self, block: bytes) -> bytes:
        self._last = block
        return block

    def _pcb(self, base: int, prefix: bytes) -> int:
        return base | self.block_number | (CID_FOLLOWS if prefix else 0)

    def _on_i_block(self, pcb: int, body: bytes, prefix: bytes) -> bytes:
        self.block_number ^= 1
        self._answer, self._chaining, self._waiting = b"", False, None  # a new command ends any answer
        self._command += body
        if pcb & CHAINING:
            return self._send(bytes((self._pcb(R_BLOCK, prefix),)) + prefix)
        command, self._command = bytes(self._command), bytearray()
        if self.slow(command):
            self._waiting = command
            s_wtx = S_BLOCK | S_WTX | (CID_FOLLOWS if prefix else 0)
            return self._send(bytes((s_wtx,)) + prefix + bytes((self.wtxm,)))
        return self._start_answer(self.respond(command), prefix)

    def _start_answer(self, answer: bytes, prefix: bytes) -> bytes:
        self._answer = answer
        return self._next_answer_block(prefix)

    def _next_answer_block(self, prefix: bytes) -> bytes:
        room = self.fsd - FRAME_OVERHEAD - len(prefix)
        chunk, self._answer = self._answer[:room], self._answer[room:]
        self._chaining = bool(self._answer)
        base = I_BLOCK | (CHAINING if self._chaining else 0)
        return self._send(bytes((self._pcb(base, prefix),)) + prefix + chunk)

    def _on_r_block(self, pcb: int, prefix: bytes) -> bytes | None:
        if pcb & BLOCK_NUMBER == self.block_number:
            return self._last  # the reader missed our last block: send it again
        if pcb & NAK:
            return self._send(bytes((self._pcb(R_BLOCK, prefix),)) + prefix)
        if self._chaining:
            self.block_number ^= 1
            return self._next_answer_block(prefix)
        return None

    def _on_s_block(self, pcb: int, body: bytes, prefix: bytes) -> bytes | None:
        kind = pcb & 0x30
        if kind == S_DESELECT:
            self.deselected = True
            return self._send(bytes((pcb,)) + prefix)
        if kind == S_WTX and self._waiting is not None:
            command, self._waiting = self._waiting, None
            return self._start_answer(self.respond(command), prefix)
        return None
