"""Typed errors for everything between the program and a card.

Every error has a stable ``code`` (scripts, the service and the UI catalogues key on it) and a
message that never contains PIN material. Status words are translated here and nowhere else, so
no raw SW number leaks to the layers above.
"""

from __future__ import annotations

# Each error is a small class of its own (a docstring, a code, at times a few fields): callers
# catch by type and the UI keys on the code, so the classes look alike on purpose.


class JpkiResetError(Exception):
    """Base of every error the project raises on purpose."""

    code = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__doc__ or self.code)

    @property
    def message(self) -> str:
        return str(self.args[0])


# --- the reader and the link to the card -------------------------------------------------------


class ReaderError(JpkiResetError):
    """The reader or the link to the card failed."""

    code = "reader-error"


class NoReader(ReaderError):
    """No usable card reader was found."""

    code = "no-reader"


class PcscServiceNotRunning(NoReader):
    """The PC/SC service (pcscd) is not running."""

    code = "pcsc-service-not-running"


class ReaderLost(NoReader):
    """The reader was unplugged or stopped answering."""

    code = "reader-lost"


class NoNfcDevice(NoReader):
    """No NFC reader was found (nfcpy): none is plugged in, or the kernel's port100 driver or
    pcscd holds it."""

    code = "no-nfc-device"


class ReaderAccessDenied(NoReader):
    """The reader is there but this user may not open it."""

    code = "reader-access-denied"


class ReaderBusy(NoReader):
    """Another program holds the reader or the card."""

    code = "reader-busy"


class NoCard(ReaderError):
    """No card is on the reader."""

    code = "no-card"


class CardRemoved(ReaderError):
    """The card was taken off the reader during the conversation."""

    code = "card-removed"


class TransportError(ReaderError):
    """The reader could not exchange a command with the card."""

    code = "transport-error"


class ExtendedLengthUnsupported(TransportError):
    """The link to the card does not carry extended-length APDUs."""

    code = "extended-length-unsupported"


class ReplayMismatch(TransportError):
    """A replayed conversation went differently from the recording."""

    code = "replay-mismatch"

    def __init__(self, recording: str, line: int, expected: str, actual: str) -> None:
        self.recording, self.line, self.expected, self.actual = recording, line, expected, actual
        super().__init__(f"{recording}:{line}: the recording expects {expected}, the program sent {actual}")


class RecordingInvalid(JpkiResetError):
    """A recording file cannot be used."""

    code = "recording-invalid"

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class RecordingMissing(RecordingInvalid):
    """The recording file does not exist (same code: scripts see a recording they cannot use)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, None, "no such file")


class ReaderSpecInvalid(JpkiResetError):
    """The reader specification cannot be understood."""

    code = "reader-spec-invalid"


class CommandRefused(JpkiResetError):
    """The command cannot run as asked (a usage error: nothing was sent to a card)."""

    code = "command-refused"


class PinConsentRequired(CommandRefused):
    """This conversation sends PINs to a card that may be a resident's: say so for this run."""

    code = "pin-consent-required"


class TrainingCardOnly(CommandRefused):
    """This runs only on a training card or a recording, never on a card that may be real."""

    code = "training-card-only"


class NoTerminal(CommandRefused):
    """PINs and confirmations are typed by a person at a terminal, and there is none."""

    code = "no-terminal"


class UnknownProfile(ReaderSpecInvalid):
    """There is no training card with that profile name."""

    code = "unknown-profile"


# --- the card answered, and said no --------------------------------------------------------------


class CardError(JpkiResetError):
    """The card refused a command."""

    code = "card-error"
    sw: int | None = None  # the status word the card answered, when one did


class NotAMyNumberCard(CardError):
    """This card is not a My Number Card (no JPKI application)."""

    code = "not-a-my-number-card"

    def __init__(self, message: str = "", sw: int | None = None) -> None:
        self.sw = sw
        if sw is not None:
            message = f"{message or self.__doc__} (the card answered {sw >> 8:02X} {sw & 0xFF:02X})"
        super().__init__(message)


class WrongPin(CardError):
    """The PIN was wrong; the card counted a try."""

    code = "wrong-pin"

    def __init__(self, tries_left: int, pin_name: str = "PIN") -> None:
        self.tries_left = tries_left
        super().__init__(f"wrong {pin_name}: {tries_left} tries left")


class PinBlocked(CardError):
    """The PIN is blocked: no tries are left."""

    code = "pin-blocked"

    def __init__(self, message: str = "", *, compared: bool = True) -> None:
        self.compared = compared  # False: the card refused the PIN unread (69 83 / 69 84)
        super().__init__(message)


class PinNotSet(CardError):
    """The card has no such PIN set (for example a face-authentication card)."""

    code = "pin-not-set"


class PinTriesUnknown(CardError):
    """The card did not say how many tries are left, so no PIN is sent."""

    code = "pin-tries-unknown"


class LastTryNotConfirmed(CardError):
    """Only one try is left and nobody confirmed spending it."""

    code = "last-try-not-confirmed"


class InvalidPinInput(JpkiResetError):
    """The PIN typed cannot be sent to the card (wrong characters or length)."""

    code = "invalid-pin-input"


class SecurityStatusNotSatisfied(CardError):
    """The card needs a PIN verified first."""

    code = "security-status-not-satisfied"


class AuthenticationFailed(CardError):
    """The card rejected the reset authority's cryptogram."""

    code = "authentication-failed"


class FileNotFound(CardError):
    """The card has no such file or application."""

    code = "file-not-found"


class ReferenceDataNotFound(CardError):
    """The card has no such key or reference data."""

    code = "reference-data-not-found"


class WrongParameters(CardError):
    """The card rejected the command's parameters."""

    code = "wrong-parameters"


class WrongLength(CardError):
    """The card rejected the command's length."""

    code = "wrong-length"


class OffsetPastEnd(CardError):
    """The read started past the end of the file."""

    code = "offset-past-end"


class CommandNotAllowed(CardError):
    """The command does not apply to the selected file."""

    code = "command-not-allowed"


class IncorrectData(CardError):
    """The card rejected the command's data."""

    code = "incorrect-data"


class ConditionsNotSatisfied(CardError):
    """The card's conditions of use are not satisfied."""

    code = "conditions-not-satisfied"


class CardNotReady(CardError):
    """The card gave no precise diagnosis (seen right after power-up)."""

    code = "card-not-ready"


class UnexpectedStatus(CardError):
    """The card answered with a status this program does not expect."""

    code = "unexpected-status"

    def __init__(self, sw: int, command: str) -> None:
        self.sw = sw
        super().__init__(f"the card answered {sw:04X} to {command}")


class MalformedResponse(CardError):
    """The card's answer does not have the expected form."""

    code = "malformed-response"


_BY_STATUS: dict[int, type[CardError]] = {
    0x6982: SecurityStatusNotSatisfied,
    0x6985: ConditionsNotSatisfied,
    0x6981: CommandNotAllowed,
    0x6986: CommandNotAllowed,
    0x6A80: IncorrectData,
    0x6A82: FileNotFound,
    0x6A88: ReferenceDataNotFound,
    0x6A86: WrongParameters,
    0x6700: WrongLength,
    0x6B00: OffsetPastEnd,
    0x6F00: CardNotReady,
    0x6300: AuthenticationFailed,
}


def error_for_status(sw: int, command: str) -> CardError:
    """The typed error for a refusing status word; ``command`` names what was sent."""
    error: CardError
    if 0x63C1 <= sw <= 0x63CF:
        error = WrongPin(sw & 0x0F)
    elif sw == 0x63C0:
        error = PinBlocked("the PIN was wrong and that was its last try: it is now blocked")
    elif sw in (0x6983, 0x6984):
        error = PinBlocked(f"the PIN is blocked: the card did not compare it ({command})", compared=False)
    elif (kind := _BY_STATUS.get(sw)) is None:
        error = UnexpectedStatus(sw, command)
    else:
        error = kind(f"{kind.__doc__} ({command})")
    error.sw = sw
    return error
