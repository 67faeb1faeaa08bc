"""One module per ``jpki-reset`` subcommand: each has ``add(sub)`` and ``run(args)``.

``tui.cli`` builds the parser from ``COMMANDS`` and dispatches; a command module imports what it
needs only when it runs, so ``status``, ``record``, ``serve`` and ``emulate`` never load Textual.
"""
