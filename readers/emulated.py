"""The training card in-process: a reader whose card is the emulator."""

from __future__ import annotations

from readers.apdu import is_extended
from readers.errors import CardRemoved, ExtendedLengthUnsupported, NoCard, TransportError
from readers.reader import CARD_INSERTED, CARD_REMOVED, Reader, ReaderInfo
from readers.training_card.applet import TrainingCard


class EmulatedReader(Reader):
    """A reader with a training card on it. ``extended_length`` says whether this pretend link
    carries extended APDUs (most contactless readers do not, so the default is no).

    Tests lift the card with ``remove_card()``, or ``remove_after(n)`` to lift it when the
    n-th next command is sent (that command gets no answer, as on a real reader).
    """

    def __init__(self, card: TrainingCard | str = "adult", *, extended_length: bool = False) -> None:
        super().__init__()
        self.card: TrainingCard | None = TrainingCard(card) if isinstance(card, str) else card
        assert self.card is not None
        self.info = ReaderInfo("emulated", f"Training card ({self.card.profile.name})", extended_length)
        self._lifted: TrainingCard | None = None
        self._connected = False
        self._countdown: int | None = None

    @property
    def card_present(self) -> bool:
        return self.card is not None

    def remove_card(self) -> None:
        if self.card is not None:
            self._lifted = self.card
        self.card, self._connected, self._countdown = None, False, None
        self._emit(CARD_REMOVED)

    def insert_card(self, card: TrainingCard | None = None) -> None:
        """Put a card (by default the one lifted last) back on the reader."""
        self.card = card or self._lifted or TrainingCard()
        self._emit(CARD_INSERTED)

    def remove_after(self, commands: int) -> None:
        """Lift the card as the ``commands``-th next command is sent (0: the very next)."""
        self._countdown = commands

    async def connect(self) -> bytes:
        if self.card is None:
            raise NoCard("no training card is on the reader")
        self._connected = True
        return self.card.power_on()

    async def transmit(self, command: bytes) -> bytes:
        if self._countdown is not None:
            if self._countdown == 0:
                self.remove_card()
            else:
                self._countdown -= 1
        if self.card is None:
            raise CardRemoved("the training card was taken off the reader")
        if not self._connected:
            raise TransportError("no card session: connect first")
        if not self.info.extended_length and is_extended(command):
            raise ExtendedLengthUnsupported("this link carries short APDUs only")
        return self.card.respond(command)

    async def disconnect(self) -> None:
        self._connected = False
