"""The reservation service: an ASGI app (FastAPI) over a store interface (SQLite by default)."""
