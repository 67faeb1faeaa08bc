"""The reset itself, without any UI: rules, the two steps, the reservation service and its client.

Imports only go down: this package uses ``readers`` and never ``tui`` or Textual.
See docs/flows.md for the public surface a UI drives.
"""
