"""``jpki-reset web``: the app served to browsers with textual-serve, one process per tab.

``session``: what a tab may run (training cards and recordings only) and the per-tab entry point;
``server``: the textual-serve server with the project's own page.
"""
