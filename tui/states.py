"""Flow states as the screen explains them (the endings and interruptions shown in place)."""

from __future__ import annotations

from reset_flow import states as st
from reset_flow.triage import WINDOW_ONLY_PINS, Reason
from tui import i18n
from tui.card_words import reason_terms, window_reasons
from tui.errors import Explanation, explain
from tui.i18n.terms import Term
from tui.jst import jst


def notes_of(state: st.FlowState) -> tuple[Reason, ...]:
    """A verdict's notes: findings that close no kiosk path (last try, renewal due, unchecked,
    ...), and, when the kiosk path is open, a blocked PIN that only the window resets (the
    resident-registry and card-info input PINs: a kiosk reset leaves them blocked)."""
    if isinstance(state, st.ChoosePin):
        return tuple(r for r in state.triage.reasons if not r.window or _window_only(r))
    if isinstance(state, st.GoToWindow):
        return tuple(r for r in state.reasons if not r.window)
    return ()


def _window_only(reason: Reason) -> bool:
    return bool(reason.pins) and all(pin in WINDOW_ONLY_PINS for pin in reason.pins)


def explain_state(state: st.FlowState, link_error: BaseException | None = None) -> Explanation:
    """Title, explanation and next action for a state shown in place. ``link_error``: the reader's
    last failure, for details a ``CardRemoved`` state does not carry (a replay mismatch's line)."""
    if isinstance(state, st.CardRemoved) and state.code not in ("card-removed", "transport-error"):
        if link_error is not None and getattr(link_error, "code", None) == state.code:
            return explain(link_error, action=None if is_final(state) else "card.put_back")
        return _by_code("error", state.code)
    if isinstance(state, st.CardProblem):
        return _by_code("error", state.code)
    if isinstance(state, st.ServiceRefusal):
        return _by_code("service", state.code)
    name = state.name
    values: dict[str, object] = {}
    if isinstance(state, st.CardRemoved):
        name = "card-removed-verify" if state.during_verify else "card-removed"
    if isinstance(state, st.GoToWindow):
        values["reasons"] = reason_terms(window_reasons(state.reasons))
    if isinstance(state, st.PinBlocked):
        values["pin"] = Term(f"pin.label.{state.pin.value}")
    if isinstance(state, st.GoToWindow | st.PinBlocked):
        values["bring"] = Term("window.bring")  # where, who and what to bring, at every window verdict
    if isinstance(state, st.KioskClosed):
        values.update(opening=jst(state.next_opening), deadline=jst(state.deadline))
    if isinstance(state, st.ReservationUsed):
        values.update(used_at=jst(state.used_at), reset=Term(f"pin.label.{state.reset.value}"))
    if isinstance(state, st.ReservationExpired):
        values.update(deadline=jst(state.deadline), reset=Term(f"pin.label.{state.reset.value}"))
    base = f"state.{name}"
    return Explanation(f"{base}.title", f"{base}.text", f"{base}.action", values)


def _by_code(family: str, code: str) -> Explanation:
    base = f"{family}.{code}"
    if not i18n.has("en", f"{base}.title"):
        return Explanation(
            f"{family}.unknown.title", f"{family}.unknown.text", f"{family}.unknown.action", {"code": code}
        )
    return Explanation(f"{base}.title", f"{base}.text", f"{base}.action")


def is_final(state: st.FlowState) -> bool:
    """An interruption nothing can resume: a recording that went differently stays different."""
    return isinstance(state, st.CardRemoved) and state.code == "replay-mismatch"
