"""One module per ``jpki-reset`` subcommand, each with ``run(args)``; their arguments are
declared in ``tui.commands.arguments``.

``tui.cli`` builds the parser from ``arguments`` alone and imports the one command module that
runs, so the TUI's start loads no command, and ``status``, ``record``, ``serve`` and ``emulate``
never load Textual.
"""
