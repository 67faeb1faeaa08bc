"""Kiosk mode: step 2 by the resident on a self-service terminal (``app.KioskApp``)."""
