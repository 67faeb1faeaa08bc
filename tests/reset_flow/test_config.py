"""The config file in the platform's config directory, and the flags that override it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reset_flow.config import ConfigInvalid, default_config_path, load_config
from reset_flow.errors import ServiceNotConfigured
from tui.cli import build_parser, main
from tui.launch import build_app


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_file_lives_in_the_config_directory_and_may_be_absent(tmp_path: Path) -> None:
    assert default_config_path().parent.name == "jpki-reset"
    config = load_config()
    assert (config.server, config.language, config.training, config.path) == (None, None, False, None)
    assert config.trust_store_folder == default_config_path().parent / "trust"


def test_settings_are_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    write(tmp_path / "token", "secret-terminal-token\n")
    path = write(
        tmp_path / "config.toml",
        'server = "http://townhall:8765"\ntoken_file = "token"\ntrust_store = "anchors"\n'
        'language = "ja"\ntraining = true\n',
    )
    config = load_config(path)
    assert (config.server, config.language, config.training) == ("http://townhall:8765", "ja", True)
    assert config.trust_store_folder == tmp_path / "anchors"
    assert config.token() == "secret-terminal-token"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("trainng = true\n", "unknown setting 'trainng'"),
        ('training = "yes"\n', "training must be a true/false"),
        ('language = "fr"\n', "language must be one of ja, en"),
        ('server = "townhall:8765"\n', "server must be an http:// or https:// URL"),
        ("server = \n", "Invalid value"),
    ],
)
def test_a_bad_file_is_refused_with_the_setting_named(tmp_path: Path, text: str, named: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigInvalid, match=named) as refused:
        load_config(path)
    assert str(path) in refused.value.message


def test_a_bad_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "config.toml", "trust-store = 1\n")
    assert main(["--config", str(path), "trust", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jpki-reset: config-invalid:") and err.count("\n") == 1


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigInvalid, match="no such file"):
        load_config(tmp_path / "missing.toml")


def test_an_unreadable_token_file_is_a_typed_error(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "config.toml", 'token_file = "nothing-here"\n'))
    with pytest.raises(ServiceNotConfigured, match="cannot read the token file"):
        config.token()


def test_the_tui_takes_the_file_and_flags_override_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "token", "from-the-file")
    write(
        default_config_path(),
        f'server = "http://a:1"\nlanguage = "ja"\ntraining = true\ntoken_file = "{tmp_path / "token"}"\n',
    )
    plain = build_app(build_parser().parse_args([]))
    assert (plain.wizard.server_url, plain.lang, plain.wizard.training, plain.wizard.token) == (
        "http://a:1",
        "ja",
        True,
        "from-the-file",
    )
    monkeypatch.setenv("JPKI_RESET_TOKEN", "from-the-environment")
    flags = build_app(
        build_parser().parse_args(
            ["--server", "http://b:2", "--lang", "en", "--no-training", "--reader", "pcsc"]
        )
    )
    assert (flags.wizard.server_url, flags.lang, flags.wizard.training, flags.wizard.token) == (
        "http://b:2",
        "en",
        False,
        "from-the-environment",
    )


def test_a_trust_store_named_in_the_config_is_the_one_trust_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "config.toml", 'trust_store = "shared-trust"\n')
    assert main(["--config", str(path), "trust", "list"]) == 0
    assert f"Trust store: {tmp_path / 'shared-trust'}" in capsys.readouterr().out
