"""Settings: defaults < scout.toml < SCOUT_* environment < flags; bad settings are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from scout.errors import ConfigError
from scout.settings import describe_settings, load_settings


def test_defaults_are_polite(tmp_path: Path) -> None:
    settings = load_settings(None, environ={})
    assert settings.crawler.per_host_delay == 1.0
    assert settings.crawler.obey_robots is True
    assert settings.crawler.resolved_user_agent().startswith("ScoutBot/")
    assert "+" in settings.crawler.resolved_user_agent()  # carries a contact
    assert settings.outreach.free_months == 3


def test_file_beats_defaults_env_beats_file_flags_beat_env(tmp_path: Path) -> None:
    config = tmp_path / "scout.toml"
    config.write_text('db = "file.db"\n[crawler]\nper_host_delay = 2.0\nconcurrency = 4\n')
    env = {"SCOUT_CRAWLER_PER_HOST_DELAY": "3.5", "SCOUT_DB": "env.db"}
    settings = load_settings(config, environ=env, overrides={"db": "flag.db"})
    assert settings.crawler.concurrency == 4  # file
    assert settings.crawler.per_host_delay == 3.5  # environment over file
    assert settings.db == "flag.db"  # flag over environment


def test_credentials_have_short_environment_names() -> None:
    settings = load_settings(environ={"SCOUT_EBAY_CLIENT_ID": "id", "SCOUT_ETSY_API_KEY": "key"})
    assert settings.credentials.ebay_client_id == "id"
    assert settings.credentials.etsy_api_key == "key"


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[crawler]\nper_host_dealy = 1\n", "per_host_dealy"),
        ("[crawlr]\nper_host_delay = 1\n", "crawlr"),
        ("[crawler]\nper_host_delay = 'fast'\n", "per_host_delay"),
        ("[crawler]\nobey_robots = 'maybe'\n", "obey_robots"),
        ("[crawler]\nper_host_delay = -1\n", "negative"),
        ("[crawler\n", "not valid TOML"),
        ("crawler = 3\n", "must be a table"),
    ],
)
def test_bad_config_file_names_the_problem(tmp_path: Path, toml: str, needle: str) -> None:
    config = tmp_path / "scout.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=needle):
        load_settings(config, environ={})


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SCOUT_CRAWLER_CONCURRENCY"):
        load_settings(environ={"SCOUT_CRAWLER_CONCURRENCY": "many"})


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_every_setting_is_documented() -> None:
    rows = describe_settings()
    assert {key for key, *_ in rows} >= {"db", "crawler.user_agent", "crawler.per_host_delay",
                                          "outreach.postal_address", "outreach.sender_name"}
    assert all(doc for *_, doc in rows)
