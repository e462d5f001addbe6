"""Scout's one settings object: defaults < `scout.toml` < `SCOUT_*` environment < command-line flags.

`scout.toml` has one table per section below; each field's environment variable is
`SCOUT_<SECTION>_<FIELD>` unless named otherwise (credentials: `SCOUT_EBAY_CLIENT_ID`, …).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from scout import __version__
from scout.errors import ConfigError

DEFAULT_CONFIG_FILE = "scout.toml"
DEFAULT_CONTACT = "bd-team@scout.invalid"


@dataclass
class CrawlerSettings:
    """How Scout fetches: identity and politeness."""

    contact: str = field(default=DEFAULT_CONTACT, metadata={"doc": "URL or e-mail site owners can reach us at"})
    user_agent: str = field(default="", metadata={"doc": "full User-Agent; empty = ScoutBot/<version> (+contact)"})
    per_host_delay: float = field(default=1.0, metadata={"doc": "seconds between requests to one web host"})
    api_per_host_delay: float = field(default=0.2, metadata={"doc": "seconds between calls to an official API"})
    concurrency: int = field(default=16, metadata={"doc": "requests in flight at once, across all hosts"})
    max_body_bytes: int = field(default=10_000_000, metadata={"doc": "larger responses are abandoned"})
    connect_timeout: float = field(default=10.0, metadata={"doc": "seconds to open a connection"})
    read_timeout: float = field(default=30.0, metadata={"doc": "seconds to wait for a response"})
    max_retries: int = field(default=5, metadata={"doc": "retries of 429/5xx/timeouts before giving up on a page"})
    obey_robots: bool = field(default=True, metadata={"doc": "obey robots.txt (turn off only for your own replica)"})

    def resolved_user_agent(self) -> str:
        """The User-Agent sent with every request."""
        return self.user_agent or f"ScoutBot/{__version__} (+{self.contact})"


@dataclass
class CredentialSettings:
    """Official API credentials (never stored in the database)."""

    ebay_client_id: str = field(default="", metadata={"doc": "eBay OAuth client id", "env": "SCOUT_EBAY_CLIENT_ID"})
    ebay_client_secret: str = field(
        default="", metadata={"doc": "eBay OAuth client secret", "env": "SCOUT_EBAY_CLIENT_SECRET"})
    etsy_api_key: str = field(default="", metadata={"doc": "Etsy Open API v3 key", "env": "SCOUT_ETSY_API_KEY"})


@dataclass
class OutreachSettings:
    """Who the onboarding offers come from, and what they offer."""

    sender_name: str = field(default="The Scout BD team", metadata={"doc": "person signing the offers"})
    sender_email: str = field(default="partners@scout.invalid", metadata={"doc": "From: address of drafts"})
    company_name: str = field(default="Scout Marketplace Inc.", metadata={"doc": "the company making the offer"})
    postal_address: str = field(default="1 Market Street, San Francisco, CA 94105, USA",
                                metadata={"doc": "postal address printed in every draft"})
    free_months: int = field(default=3, metadata={"doc": "months without commission or fees"})
    commission_pct: float = field(default=5.0, metadata={"doc": "standard commission after the free months"})
    offer_valid_days: int = field(default=30, metadata={"doc": "days until an offer code expires"})
    templates_dir: str = field(default="", metadata={"doc": "folder of Jinja2 templates overriding the built-in"})


@dataclass
class Settings:
    """Everything Scout can be configured with."""

    db: str = field(default="scout.db", metadata={"doc": "SQLite path or SQLAlchemy URL", "env": "SCOUT_DB"})
    crawler: CrawlerSettings = field(default_factory=CrawlerSettings)
    credentials: CredentialSettings = field(default_factory=CredentialSettings)
    outreach: OutreachSettings = field(default_factory=OutreachSettings)


SECTIONS = ("crawler", "credentials", "outreach")


def env_name(section: str | None, f: dataclasses.Field[Any]) -> str:
    """The environment variable that sets one field."""
    explicit = f.metadata.get("env")
    if explicit:
        return str(explicit)
    return f"SCOUT_{section}_{f.name}".upper() if section else f"SCOUT_{f.name}".upper()


def _coerce(value: Any, kind: Any, where: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return value.strip().lower() in ("1", "true", "yes", "on")
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if kind in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a number, got {value!r}") from None
        if number < 0:
            raise ConfigError(f"{where}: must not be negative, got {value!r}")
        return number
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value


def _apply(target: Any, values: Mapping[str, Any], where: str) -> None:
    hints = get_type_hints(type(target))
    known = {f.name: f for f in dataclasses.fields(target)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in SECTIONS and target.__class__ is Settings:
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}: [{key}] must be a table")
            _apply(getattr(target, key), value, f"{where} [{key}]")
        else:
            setattr(target, key, _coerce(value, hints[key], f"{where}: {key}"))


def read_config_file(path: Path) -> dict[str, Any]:
    """The tables of a `scout.toml`, with a clear error for a file that is not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from defaults, then the config file, then the environment, then `overrides` ("crawler.x": v)."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    explicit = config_file or environ.get("SCOUT_CONFIG")
    path = Path(explicit) if explicit else Path(DEFAULT_CONFIG_FILE)
    if explicit or path.is_file():
        _apply(settings, read_config_file(path), str(path))
    for f in dataclasses.fields(settings):
        if f.name in SECTIONS:
            section = getattr(settings, f.name)
            for sub in dataclasses.fields(section):
                name = env_name(f.name, sub)
                if name in environ:
                    _apply(section, {sub.name: environ[name]}, f"environment {name}")
        elif env_name(None, f) in environ:
            _apply(settings, {f.name: environ[env_name(None, f)]}, f"environment {env_name(None, f)}")
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section_name, _, key = dotted.rpartition(".")
        target = getattr(settings, section_name) if section_name else settings
        _apply(target, {key: value}, f"option {dotted}")
    return settings


def describe_settings() -> list[tuple[str, str, str, str]]:
    """(toml key, environment variable, default, documentation) for every setting, for docs and `--help`."""
    rows: list[tuple[str, str, str, str]] = []
    defaults = Settings()
    for f in dataclasses.fields(defaults):
        if f.name in SECTIONS:
            for sub in dataclasses.fields(getattr(defaults, f.name)):
                rows.append((f"{f.name}.{sub.name}", env_name(f.name, sub),
                             repr(getattr(getattr(defaults, f.name), sub.name)), sub.metadata.get("doc", "")))
        else:
            rows.append((f.name, env_name(None, f), repr(getattr(defaults, f.name)), f.metadata.get("doc", "")))
    return rows
