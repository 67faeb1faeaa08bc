"""The command line's exit codes (a contract: scripts and checks rely on them)."""

from __future__ import annotations

from readers.errors import (
    CardError,
    CommandRefused,
    InvalidPinInput,
    JpkiResetError,
    ReaderError,
    ReaderSpecInvalid,
    RecordingInvalid,
)
from reset_flow.errors import OperatorInputRefused, ServiceOptionInvalid
from tui.terminal import NoTerminal

EXIT_OK, EXIT_USAGE, EXIT_NO_CARD, EXIT_CARD_REFUSED, EXIT_SERVICE = 0, 2, 3, 4, 5
# The output's reader went away (``| head``): the status of a tool killed by SIGPIPE.
EXIT_READER_GONE = 141


def exit_code_for(error: JpkiResetError) -> int:
    usage = (
        ReaderSpecInvalid,
        RecordingInvalid,
        OperatorInputRefused,
        CommandRefused,
        ServiceOptionInvalid,
        NoTerminal,
    )
    if isinstance(error, usage):
        return EXIT_USAGE
    if isinstance(error, ReaderError):
        return EXIT_NO_CARD
    if isinstance(error, CardError | InvalidPinInput):
        return EXIT_CARD_REFUSED
    return EXIT_SERVICE
