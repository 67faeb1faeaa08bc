"""What vulture (tests/test_dead_code.py) cannot see being used, each with the reason it is.

Vulture reads names: an attribute named here counts as used wherever it stands.
"""

from nfc.clf.device import Device
from textual.containers import VerticalScroll

from reset_flow.service.schemas import ReservationBody, Strict
from tui.demo import DemoPlayer
from tui.web.server import TrainingServer
from tui.widgets.pin_input import PinInput

Strict.model_config  # pydantic reads the class attribute: unknown fields are refused
ReservationBody.next_challenge  # declared for the OpenAPI document; the office builds the answer as a dict
DemoPlayer._task  # holds the playing task: the event loop keeps only a weak reference to it
TrainingServer.handle_index  # textual-serve's Server calls it for the page (our own page.html)
PinInput.cursor_blink  # Textual reads it when drawing the entry (a steady cursor)
VerticalScroll.can_focus  # Textual reads it: the card check's findings take the focus to scroll
# nfcpy's str() of a device reads these (set by readers.nfcpy's udp init, as nfcpy's own does)
Device._vendor_name
Device._device_name
Device._chipset_name
