"""Build and run the app for ``jpki-reset`` (imports Textual); the wizard of the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from reset_flow.config import Config, load_config
from tui.wizard import Wizard

if TYPE_CHECKING:
    from tui.app import ResetApp


def build_wizard(
    reader: str | None,
    server: str | None,
    at: str | None,
    *,
    config: Config | None = None,
    training: bool | None = None,
    trust_store: Path | None = None,
    token_file: Path | None = None,
) -> Wizard:
    """The wizard for these options; each one given overrides ``config`` (the config file)."""
    config = config or Config()
    wizard = Wizard(reader_spec=reader, preselected=reader is not None)
    wizard.server_url = server or config.server
    wizard.training_mode = config.training if training is None else training
    wizard.trust_store = trust_store or config.trust_store
    if wizard.server_url is not None:
        wizard.token = terminal_token(config, token_file)
    if at is not None:
        # Only with --at: its Japan-time parsing loads the time-zone data, which a start without
        # it does not need.
        from tui.training_time import training_moment

        wizard.training_at = training_moment(at, wizard.training)
    return wizard


def terminal_token(config: Config, token_file: Path | None) -> str | None:
    """--token-file, else JPKI_RESET_TOKEN, else the config's token file."""
    import os

    from reset_flow.embedded import token_from_environment

    if token_file is not None:
        return Config(token_file=token_file).token()
    return token_from_environment(os.environ) or config.token()


def build_app(args: argparse.Namespace) -> ResetApp:
    """The app ``jpki-reset [--reader SPEC] [--server URL] [--lang ja|en] [--at TIME] ...`` runs,
    with the config file's settings where no option is given."""
    wizard, config = wizard_from(args, args.reader)
    if not wizard.preselected:
        wizard.discover_early()  # while Textual loads (below): the start screen lists its answer
    from tui.app import ResetApp

    app = ResetApp(wizard, lang=args.lang or config.language)
    app.pin_idle_seconds = args.pin_idle
    return app


def wizard_from(args: argparse.Namespace, reader: str | None) -> tuple[Wizard, Config]:
    """The wizard of the options every screen mode shares, and the config file they override."""
    if reader is not None:
        from readers.spec import check_spec

        check_spec(reader)  # a reader that cannot work is refused here, not after a task is chosen
    from reset_flow.kiosk_chains import shipped_kiosk_chains

    shipped_kiosk_chains()  # a malformed store list stops here, with its own error, not mid-verdict
    config = load_config(args.config)
    wizard = build_wizard(
        reader,
        args.server,
        args.at,
        config=config,
        training=args.training,
        trust_store=args.trust_store,
        token_file=args.token_file,
    )
    return wizard, config


def run_tui(args: argparse.Namespace) -> int:
    from tui.terminal import require_terminal

    app = build_app(args)  # the options are checked first: their errors say more
    require_terminal()
    return app.run() or 0
