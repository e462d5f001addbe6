"""Scout's one settings object: defaults < `scout.toml` < `SCOUT_*` environment < command-line flags.

`scout.toml` has one table per section below; each field's environment variable is
`SCOUT_<SECTION>_<FIELD>` unless named otherwise (credentials: `SCOUT_EBAY_CLIENT_ID`, …).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from scout import __version__
from scout.errors import ConfigError
from scout.sanitize import strip_control

DEFAULT_CONFIG_FILE = "scout.toml"
EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
DEFAULT_CONTACT = "bd-team@scout.invalid"
# The channel gate's tables (what they mean, and the laws and terms behind them: scout.outreach.channels)
EMAIL_POLICIES = ("opt-out", "consent", "never")
SOURCE_POLICIES = ("rules", "never")
PHONE_POLICIES = ("allowed", "consent", "never")
DEFAULT_EMAIL_RULES = {"US": "opt-out", "FR": "opt-out", "GB": "opt-out", "ES": "opt-out", "IT": "opt-out",
                       "DE": "consent", "AT": "consent", "PL": "consent", "*": "consent"}
DEFAULT_CONTACT_SOURCES = {"ebay": "never"}
DEFAULT_PHONE_RULES = {"DE": "consent", "AT": "consent", "*": "allowed"}


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
    page_tries: int = field(default=3, metadata={"doc": "tries of a failed or blocked page within one crawl"})
    page_retry_delay: float = field(default=30.0, metadata={"doc": "seconds before a failed page's second try "
                                                            "(doubling for each further try)"})
    worker_lease: float = field(default=15.0, metadata={"doc": "seconds without a heartbeat before a crawl "
                                                        "worker counts as gone and its pages are claimed again"})

    def resolved_user_agent(self) -> str:
        """The User-Agent sent with every request."""
        return self.user_agent or f"ScoutBot/{__version__} (+{self.contact})"

    def check(self) -> None:
        """Raise ConfigError for crawler settings no polite crawl can run with."""
        for name in ("contact", "user_agent"):
            value = getattr(self, name)
            if strip_control(value) != value:
                raise ConfigError(f"crawler.{name} must be one line of plain text, got {value!r}")
        if not self.contact.strip():
            raise ConfigError("crawler.contact is empty: give a URL or e-mail site owners can reach you at")
        if self.concurrency < 1 or self.max_body_bytes < 1 or self.max_retries > 50:
            raise ConfigError("crawler: concurrency and max_body_bytes must be at least 1, max_retries at most 50")
        if self.page_tries < 1 or self.page_retry_delay < 0 or self.worker_lease <= 0:
            raise ConfigError("crawler: page_tries must be at least 1, page_retry_delay at least 0 and worker_lease "
                              "more than 0 seconds")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ConfigError("crawler: connect_timeout and read_timeout must be more than 0 seconds")


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
    email_rules: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_EMAIL_RULES), metadata={
        "merge": True,
        "doc": "cold B2B e-mail per country of the business: opt-out (allowed, with an opt-out), consent (only "
               "with consent on record: --override), never; * for other countries"})
    contact_sources: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CONTACT_SOURCES), metadata={
        "merge": True,
        "doc": "e-mail addresses and phones read from a marketplace: never (its terms forbid marketing to them) "
               "or rules"})
    phone_rules: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PHONE_RULES), metadata={
        "merge": True,
        "doc": "marketing calls per country of the business: allowed, consent or never; * for other countries"})

    def check(self) -> None:
        """Raise ConfigError for outreach settings a compliant draft cannot be made with."""
        for name in ("sender_name", "company_name", "postal_address"):
            value = getattr(self, name)
            if not value.strip() or strip_control(value) != value:
                raise ConfigError(f"outreach.{name} must be one non-empty line, got {value!r}")
        if not EMAIL.fullmatch(self.sender_email):
            raise ConfigError(f"outreach.sender_email is not an e-mail address: {self.sender_email!r}")
        if not 1 <= self.free_months <= 24:
            raise ConfigError(f"outreach.free_months must be between 1 and 24, got {self.free_months}")
        if not 0 <= self.commission_pct <= 100:
            raise ConfigError(f"outreach.commission_pct must be between 0 and 100, got {self.commission_pct:g}")
        if self.offer_valid_days < 1:
            raise ConfigError(f"outreach.offer_valid_days must be at least 1, got {self.offer_valid_days}")
        for name, allowed in (("email_rules", EMAIL_POLICIES), ("contact_sources", SOURCE_POLICIES),
                              ("phone_rules", PHONE_POLICIES)):
            for key, value in getattr(self, name).items():
                if value not in allowed:
                    raise ConfigError(f"outreach.{name}.{key} must be one of {', '.join(allowed)}, got {value!r}")
                if name != "contact_sources" and key != "*" and not re.fullmatch(r"[A-Z]{2}", key):
                    raise ConfigError(f"outreach.{name}: {key!r} is not a country code in capitals (DE) or *")

    def require_sender(self) -> None:
        """Raise ConfigError while the sender is still Scout's placeholder (real drafts need a real sender)."""
        found = self.placeholders()
        if found:
            raise ConfigError(f"drafts need your real sender: set {', '.join(found)} in scout.toml [outreach] "
                              "(or SCOUT_OUTREACH_<KEY>); only `scout demo` drafts with the placeholders")

    def placeholders(self) -> list[str]:
        """The sender settings still at Scout's own placeholders (fine for the demo, never for real drafts)."""
        defaults = OutreachSettings()
        found = [f"outreach.{name}" for name in ("sender_name", "sender_email", "company_name", "postal_address")
                 if getattr(self, name) == getattr(defaults, name)]
        if self.sender_email.endswith(".invalid") and "outreach.sender_email" not in found:
            found.append("outreach.sender_email")
        return found


# Shares of orders that leave seller feedback: Amazon 1-5 % (Marketplace Pulse); eBay buyers leave feedback about
# half the time (Resnick & Zeckhauser 2002); Etsy reviews per sale are assumed until `scout calibrate` fits them.
DEFAULT_FEEDBACK_RATES: dict[str, tuple[float, float]] = {
    "amazon": (0.01, 0.05), "ebay": (0.4, 0.6), "etsy": (0.05, 0.2)}


FEEDBACK_SOURCES: dict[str, str] = {
    "amazon": "Marketplace Pulse: 1-5 % of orders leave seller feedback",
    "ebay": "Resnick & Zeckhauser: eBay buyers leave feedback about half the time",
    "etsy": "assumed; fit it with scout calibrate",
}


@dataclass
class ScoringSettings:
    """How `scout score` weighs sellers and estimates their revenue (see `scout explain`)."""

    weight_volume: float = field(default=0.30, metadata={
        "doc": "weight of volume: percentile of estimated monthly GMV (reporting currency) among all storefronts"})
    weight_quality: float = field(default=0.25, metadata={
        "doc": "weight of quality: Wilson lower bound of the positive share (stars mapped to a share)"})
    weight_momentum: float = field(default=0.15, metadata={
        "doc": "weight of momentum: rating-count growth per 30 days, relative to size"})
    weight_ranking: float = field(default=0.15, metadata={
        "doc": "weight of ranking presence: best-seller ranks of the seller's products"})
    weight_breadth: float = field(default=0.05, metadata={
        "doc": "weight of breadth: marketplaces the business sells on, and listings"})
    weight_fit: float = field(default=0.10, metadata={
        "doc": "weight of category fit for our marketplace (see category_weights)"})
    min_ratings: int = field(default=20, metadata={
        "doc": "fewer ratings than this = insufficient data: scored 0 and ranked last"})
    wilson_z: float = field(default=1.96, metadata={"doc": "z of the Wilson lower bound (1.96 = 95 %)"})
    quality_floor: float = field(default=0.80, metadata={
        "doc": "Wilson bound at or below this scores 0 for quality; 1.0 scores 1 (spreads the 90-100 % crowd)"})
    momentum_window_days: float = field(default=30.0, metadata={
        "doc": "momentum compares the latest snapshot with the earlier one nearest this many days before it"})
    momentum_min_days: float = field(default=1.0, metadata={
        "doc": "snapshots closer together than this are not compared"})
    momentum_scale: float = field(default=0.05, metadata={
        "doc": "relative growth per 30 days that scores 0.88 (0.5 + tanh(growth/scale)/2; no growth = 0.5)"})
    ranking_scale: float = field(default=1.0, metadata={
        "doc": "ranking = 1 - exp(-sum(1/log2(1+rank)) / scale) over the seller's ranked products"})
    breadth_marketplaces: int = field(default=3, metadata={
        "doc": "marketplaces at which the marketplace half of breadth is full"})
    breadth_listings: int = field(default=1000, metadata={
        "doc": "listings at which the listing half of breadth is full (log scale)"})
    category_weights: dict[str, float] = field(default_factory=dict, metadata={
        "doc": "fit per category keyword, e.g. {kitchen = 1.0, books = 0.2}; matched as a substring of the "
               "ranking list name; env: kitchen=1,books=0.2"})
    fit_default: float = field(default=0.5, metadata={"doc": "fit of a seller with no known or weighted category"})
    feedback_rate_low: float = field(default=0.01, metadata={
        "doc": "lowest share of orders that leave a rating on a marketplace without its own range"})
    feedback_rate_high: float = field(default=0.05, metadata={
        "doc": "highest share of orders that leave a rating on a marketplace without its own range"})
    feedback_rates: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_FEEDBACK_RATES),
                                                           metadata={
        "doc": "per-marketplace feedback rate range, e.g. {ebay = [0.4, 0.6]}, over the defaults shown "
               "(`scout calibrate --apply` writes it); env: ebay=0.4:0.6"})
    store_age_months_low: float = field(default=24.0, metadata={
        "doc": "youngest store age assumed when a monthly figure must come from lifetime counts and the store's "
               "opening date is unknown"})
    store_age_months_high: float = field(default=120.0, metadata={
        "doc": "oldest store age assumed when a monthly figure must come from lifetime counts"})
    thin_prices: int = field(default=3, metadata={
        "doc": "a storefront with fewer observed prices has a thin price basis, widened with its marketplace's "
               "(or category's) median"})
    currency: str = field(default="USD", metadata={
        "doc": "reporting currency every business total and cross-marketplace ranking is converted into"})
    exchange_rates: dict[str, float] = field(default_factory=dict, metadata={
        "doc": "units of a currency per 1 USD overriding the shipped table, e.g. {ARS = 1180.0}; env: ARS=1180"})
    exchange_rates_date: str = field(default="", metadata={
        "doc": "the date the exchange_rates overrides are of, e.g. 2026-06-30 (required with them)"})
    auto_rescore_max: int = field(default=20_000, metadata={
        "doc": "leads and explain rescore by themselves when the data changed and there are at most this many "
               "storefronts; above it they say so instead"})

    def weights(self) -> dict[str, float]:
        """The component weights by component name."""
        return {name: float(getattr(self, f"weight_{name}"))
                for name in ("volume", "quality", "momentum", "ranking", "breadth", "fit")}

    def feedback_range(self, marketplace: str) -> tuple[float, float]:
        """(low, high) share of orders that leave a rating on `marketplace`."""
        found = self.feedback_rates.get(marketplace) or DEFAULT_FEEDBACK_RATES.get(marketplace)
        return found or (self.feedback_rate_low, self.feedback_rate_high)

    def check(self) -> None:
        """Raise ConfigError for settings that cannot be scored with."""
        if sum(self.weights().values()) <= 0:
            raise ConfigError("scoring: the weight_* settings must not all be 0")
        ranges = {"feedback_rate_low/high": (self.feedback_rate_low, self.feedback_rate_high),
                  **{f"feedback_rates.{mp}": pair for mp, pair in self.feedback_rates.items()}}
        for name, (low, high) in ranges.items():
            if not 0 < low <= high <= 1:
                raise ConfigError(f"scoring: {name} must satisfy 0 < low <= high <= 1, got {low}-{high}")
        if not 0 < self.store_age_months_low <= self.store_age_months_high:
            raise ConfigError("scoring: store_age_months_low must be > 0 and <= store_age_months_high")
        if not 0 <= self.quality_floor < 1:
            raise ConfigError(f"scoring: quality_floor must be in [0, 1), got {self.quality_floor}")
        for name in ("momentum_scale", "ranking_scale", "momentum_window_days"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"scoring: {name} must be positive")
        if self.breadth_marketplaces < 2 or self.breadth_listings < 1:
            raise ConfigError("scoring: breadth_marketplaces must be >= 2 and breadth_listings >= 1")
        if self.thin_prices < 1:
            raise ConfigError("scoring: thin_prices must be at least 1")
        if not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            raise ConfigError(f"scoring: currency must be an ISO code such as USD, got {self.currency!r}")

    def feedback_source(self, marketplace: str) -> str:
        """Where `marketplace`'s feedback rate range comes from, in words."""
        pair = self.feedback_range(marketplace)
        if marketplace in self.feedback_rates and pair != DEFAULT_FEEDBACK_RATES.get(marketplace):
            return "scout.toml / scout calibrate"
        return FEEDBACK_SOURCES.get(marketplace, "assumed default; fit it with scout calibrate")


@dataclass
class Settings:
    """Everything Scout can be configured with."""

    db: str = field(default="scout.db", metadata={"doc": "SQLite path or SQLAlchemy URL", "env": "SCOUT_DB"})
    state_dir: str = field(default="", metadata={
        "doc": "folder where Scout records the files it wrote on this machine (drafts, exports, backups), the only "
               "places `scout forget` erases files in; empty = $XDG_STATE_HOME/scout or ~/.local/state/scout",
        "env": "SCOUT_STATE_DIR"})
    crawler: CrawlerSettings = field(default_factory=CrawlerSettings)
    credentials: CredentialSettings = field(default_factory=CredentialSettings)
    outreach: OutreachSettings = field(default_factory=OutreachSettings)
    scoring: ScoringSettings = field(default_factory=ScoringSettings)

    def check(self) -> None:
        """Raise ConfigError for the first setting that cannot be right (each section checks its own)."""
        self.crawler.check()
        self.outreach.check()
        self.scoring.check()


SECTIONS = ("crawler", "credentials", "outreach", "scoring")


def env_name(section: str | None, f: dataclasses.Field[Any]) -> str:
    """The environment variable that sets one field."""
    explicit = f.metadata.get("env")
    if explicit:
        return str(explicit)
    return f"SCOUT_{section}_{f.name}".upper() if section else f"SCOUT_{f.name}".upper()


def _coerce_mapping(value: Any, kind: Any, where: str) -> dict[str, Any]:
    """A TOML table, or `key=value,key=value` from the environment (a range value as `low:high`)."""
    value_kind = get_args(kind)[1]
    if isinstance(value, str):
        pairs: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            key, sep, raw = item.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"{where}: expected key=value pairs separated by commas, got {item!r}")
            pairs[key.strip()] = raw.strip().split(":") if get_origin(value_kind) is tuple else raw.strip()
        value = pairs
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table, got {value!r}")
    if get_origin(value_kind) is not tuple:
        return {str(key): _coerce(item, value_kind, f"{where}.{key}") for key, item in value.items()}
    parts = get_args(value_kind)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, str) or not isinstance(item, list | tuple) or len(item) != len(parts):
            raise ConfigError(f"{where}.{key}: expected {len(parts)} numbers, got {item!r}")
        out[str(key)] = tuple(_coerce(x, part, f"{where}.{key}") for x, part in zip(item, parts, strict=True))
    return out


def _coerce(value: Any, kind: Any, where: str) -> Any:
    if get_origin(kind) is dict:
        return _coerce_mapping(value, kind, where)
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
            coerced = _coerce(value, hints[key], f"{where}: {key}")
            if known[key].metadata.get("merge"):  # a rule table: the keys given replace those entries only
                coerced = {**getattr(target, key), **coerced}
            setattr(target, key, coerced)


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
    settings.check()  # on load, so a bad setting stops every command before it starts, not half way through
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
