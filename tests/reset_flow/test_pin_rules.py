"""PIN formats: every rejection has its reason code; the two PINs prove each other's reset."""

import pytest

from readers.jpki import PinKind
from reset_flow.pin_rules import PinProblem, as_typed, new_pin_problems, pin_problems, proof_pin_for

P = PinProblem


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("ABC123", ()),
        ("A1", (P.TOO_SHORT,)),
        ("ABCDE1", ()),
        ("ABCD1", (P.TOO_SHORT,)),
        ("A" * 15 + "1", ()),
        ("A" * 16 + "1", (P.TOO_LONG,)),
        ("abc123", (P.LOWER_CASE,)),
        ("ABC-123", (P.BAD_CHARACTER,)),
        ("ＡＢＣ１２３", ()),  # full-width (a Japanese input method) is judged in half width
        ("ａｂｃ１２３", (P.LOWER_CASE,)),  # says what is wrong: not "no letter, no digit"
        ("ＡＢＣ－１２３", (P.BAD_CHARACTER,)),
        ("ABC①23", (P.BAD_CHARACTER,)),  # a circled digit is not a digit the resident typed
        ("ABCDEF", (P.NO_DIGIT,)),
        ("123456", (P.NO_LETTER,)),
        ("", (P.EMPTY,)),
        ("ab", (P.TOO_SHORT, P.LOWER_CASE, P.NO_DIGIT)),
    ],
)
def test_signing_pin_format(text: str, problems: tuple[PinProblem, ...]) -> None:
    assert pin_problems(PinKind.SIGN, text) == problems


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("1234", ()),
        ("0123", ()),  # a leading zero is a digit like any other
        ("0000", ()),
        ("123", (P.NOT_FOUR_DIGITS,)),
        ("12345", (P.NOT_FOUR_DIGITS,)),
        ("12a4", (P.NOT_FOUR_DIGITS, P.BAD_CHARACTER)),
        ("１２３４", ()),  # full-width digits are the same digits
        ("０１２３", ()),
        ("１２３", (P.NOT_FOUR_DIGITS,)),
        ("①２３４", (P.NOT_FOUR_DIGITS, P.BAD_CHARACTER)),
        ("", (P.EMPTY,)),
    ],
)
@pytest.mark.parametrize("kind", [PinKind.AUTH, PinKind.JUKI, PinKind.KENMEN])
def test_four_digit_pins(kind: PinKind, text: str, problems: tuple[PinProblem, ...]) -> None:
    assert pin_problems(kind, text) == problems


def test_new_pin_twice() -> None:
    assert new_pin_problems(PinKind.SIGN, "NEW123", "NEW123") == ()
    assert new_pin_problems(PinKind.SIGN, "NEW123", "NEW124") == (P.MISMATCH,)
    assert new_pin_problems(PinKind.AUTH, "12", "12") == (P.NOT_FOUR_DIGITS,)


def test_signing_pin_is_upper_cased_as_typed_and_digits_are_left_alone() -> None:
    assert as_typed(PinKind.SIGN, "train1234") == "TRAIN1234"
    assert pin_problems(PinKind.SIGN, as_typed(PinKind.SIGN, "train1234")) == ()
    assert as_typed(PinKind.AUTH, "0123") == "0123"


def test_full_width_input_is_kept_in_half_width() -> None:
    assert as_typed(PinKind.SIGN, "ｔｒａｉｎ１２３４") == "TRAIN1234"
    assert as_typed(PinKind.AUTH, "１２３４") == "1234"
    assert as_typed(PinKind.AUTH, "１２a４") == "12a4"  # only the width changes


def test_each_reset_is_proven_by_the_other_pin() -> None:
    assert proof_pin_for(PinKind.SIGN) is PinKind.AUTH
    assert proof_pin_for(PinKind.AUTH) is PinKind.SIGN
    for window_only in (PinKind.JUKI, PinKind.KENMEN):
        with pytest.raises(ValueError):
            proof_pin_for(window_only)
