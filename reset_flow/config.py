"""The configuration file: what a laptop or a service keeps between runs.

``config.toml`` in the platform's config directory (``platformdirs``; on Linux
``~/.config/jpki-reset/config.toml``), or the file ``--config`` names. Every key is optional;
command-line flags override the file:

    server = "http://townhall:8765"       # the shared service (default: the embedded one)
    token_file = "~/.config/jpki-reset/token"   # this terminal's token for ``server``
    trust_store = "/srv/jpki-reset/trust"  # default: "trust" in the config directory
    language = "ja"                        # ja | en (default: the locale)
    training = false                       # true: training mode whatever the reader

Relative paths are relative to the file's folder. An unknown key or a wrong type is refused with
``config-invalid`` (exit 2), naming the key: a typo must not silently change what is trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from reset_flow.errors import OperatorInputRefused, ServiceNotConfigured

APP_NAME = "jpki-reset"
CONFIG_NAME = "config.toml"
LANGUAGES = ("ja", "en")


class ConfigInvalid(OperatorInputRefused):
    """The configuration file cannot be used (its path and the reason are in the message)."""

    code = "config-invalid"


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_NAME


def default_trust_store() -> Path:
    """The trust store's folder when neither the config nor an option names one. Here rather than
    in ``trust_store``: finding the config must not load the certificate code."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "trust"


class Config(NamedTuple):
    """The configuration file's settings (every one optional), and the file they came from."""

    server: str | None = None
    token_file: Path | None = None
    trust_store: Path | None = None
    language: str | None = None
    training: bool = False
    path: Path | None = None  # the file it came from (None: no file)

    @property
    def trust_store_folder(self) -> Path:
        return self.trust_store or default_trust_store()

    def token(self) -> str | None:
        """The terminal token kept in ``token_file`` (None when no file is configured)."""
        if self.token_file is None:
            return None
        try:
            token = self.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ServiceNotConfigured(f"cannot read the token file {self.token_file}: {error}") from None
        if not token:
            raise ServiceNotConfigured(f"the token file {self.token_file} is empty")
        return token


def load_config(path: Path | None = None) -> Config:
    """The configuration in ``path`` (a file that must exist), or in the default place (which may
    not exist: then every setting has its default)."""
    chosen = path or default_config_path()
    try:
        text = chosen.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is None:
            return Config()
        raise ConfigInvalid(f"{chosen}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigInvalid(f"{chosen}: {error}") from None
    import tomllib  # here: most laptops have no config file, and every start looks for one

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigInvalid(f"{chosen}: {error}") from None
    return _config_from(data, chosen)


_KEYS = {"server": str, "token_file": str, "trust_store": str, "language": str, "training": bool}


def _config_from(data: dict[str, Any], path: Path) -> Config:
    for key, value in data.items():
        wanted = _KEYS.get(key)
        if wanted is None:
            raise ConfigInvalid(f"{path}: unknown setting {key!r} (known: {', '.join(_KEYS)})")
        if not isinstance(value, wanted):
            raise ConfigInvalid(f"{path}: {key} must be a {'true/false' if wanted is bool else 'string'}")
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        raise ConfigInvalid(f"{path}: language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    server = data.get("server")
    if server is not None and not server.startswith(("http://", "https://")):
        raise ConfigInvalid(f"{path}: server must be an http:// or https:// URL, not {server!r}")

    def where(key: str) -> Path | None:
        text = data.get(key)
        return (path.parent / Path(text).expanduser()) if text else None

    return Config(
        server=server or None,
        token_file=where("token_file"),
        trust_store=where("trust_store"),
        language=language,
        training=data.get("training", False),
        path=path,
    )
