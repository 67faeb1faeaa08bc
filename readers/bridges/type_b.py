"""A training card as an ISO/IEC 14443 Type B contactless card, without I/O.

``TypeBCard.receive(frame)`` answers one frame from the reader (None: stay silent), from the field
coming on to ISO-DEP:

- SENSB_REQ (``05 AFI PARAM``; PARAM bit 0x08 makes it ALLB_REQ, which also wakes a halted card)
  is answered with SENSB_RES: ``50``, the PUPI, application data and protocol info;
- ATTRIB (``1D PUPI P1 P2 P3 P4``) for this PUPI selects the card: the answer is ``MBLI|CID``,
  the frame size the reader can take comes from P2, and ISO-DEP starts;
- SLPB_REQ (HLTB, ``50 PUPI``) halts it;
- S(DESELECT) in ISO-DEP halts it too.

Application data and protocol info are the ATR's historical bytes as a PC/SC reader builds them
for a Type B card (PC/SC part 3): so a reader that synthesises the ATR from this card gets back
the training card's own ATR. Its protocol info says FSC 256 and FWI 10 (about 0.3 s), as real
cards of the first generation do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum

from readers.bridges.isodep import IsoDepCard, frame_size
from readers.type_b_atr import atqb_parts

SENSB_REQ = 0x05
ALLB = 0x08
SENSB_RES = 0x50
ATTRIB = 0x1D
SLPB_REQ = 0x50


class State(Enum):
    IDLE = "idle"
    READY = "ready"
    ACTIVE = "active"
    HALT = "halt"


class TypeBCard:
    """The card in the reader's field. ``respond`` answers complete command APDUs; ``slow``
    marks the commands that get S(WTX) first."""

    def __init__(
        self,
        respond: Callable[[bytes], bytes],
        atr: bytes,
        *,
        slow: Callable[[bytes], bool] = lambda command: False,
    ) -> None:
        self.respond = respond
        self.slow = slow
        self.application_data, self.protocol_info = atqb_parts(atr)
        self.pupi = os.urandom(4)
        self.state = State.IDLE
        self.session: IsoDepCard | None = None

    @property
    def sensb_res(self) -> bytes:
        return bytes((SENSB_RES,)) + self.pupi + self.application_data + self.protocol_info

    def field_on(self) -> None:
        """The card enters a field: a fresh start (a new PUPI, as random-PUPI cards do)."""
        self.pupi = os.urandom(4)
        self.state = State.IDLE
        self.session = None

    def receive(self, frame: bytes) -> bytes | None:
        if not frame:
            return None
        if self.state is State.ACTIVE and self.session is not None:
            answer = self.session.receive(frame)
            if self.session.deselected:
                self.state, self.session = State.HALT, None
            return answer
        if frame[0] == SENSB_REQ and len(frame) == 3:
            return self._on_sensb_req(frame)
        if frame[0] == ATTRIB and len(frame) >= 9:
            return self._on_attrib(frame)
        if frame[0] == SLPB_REQ and len(frame) == 5 and frame[1:5] == self.pupi:
            self.state = State.HALT
            return b"\x00"
        return None

    def _on_sensb_req(self, frame: bytes) -> bytes | None:
        afi, param = frame[1], frame[2]
        if afi not in (0x00, self.application_data[0]):
            return None  # the reader asks for another application family
        if self.state is State.HALT and not param & ALLB:
            return None
        self.state = State.READY
        return self.sensb_res

    def _on_attrib(self, frame: bytes) -> bytes | None:
        if self.state is not State.READY or frame[1:5] != self.pupi:
            return None
        param2, param4 = frame[6], frame[8]
        cid = param4 & 0x0F
        self.session = IsoDepCard(self.respond, fsd=frame_size(param2 & 0x0F), cid=cid, slow=self.slow)
        self.state = State.ACTIVE
        return bytes((cid,))  # MBLI 0 (no limit announced), the CID
