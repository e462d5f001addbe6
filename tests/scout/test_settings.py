"""Settings: defaults < scout.toml < SCOUT_* environment < flags; bad settings are clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scout.errors import ConfigError
from scout.settings import OutreachSettings, describe_settings, load_settings
from tests.scout.cli_runner import assert_one_error_line, run_scout


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


@pytest.mark.parametrize(("environ", "needle"), [
    ({"SCOUT_OUTREACH_COMMISSION_PCT": "150"}, "outreach.commission_pct must be between 0 and 100"),
    ({"SCOUT_OUTREACH_FREE_MONTHS": "0"}, "outreach.free_months must be between 1 and 24"),
    ({"SCOUT_OUTREACH_SENDER_EMAIL": "not-an-address"}, "outreach.sender_email is not an e-mail address"),
    ({"SCOUT_OUTREACH_SENDER_NAME": "Dana\x1b[31m"}, "outreach.sender_name must be one non-empty line"),
    ({"SCOUT_CRAWLER_CONCURRENCY": "0"}, "concurrency and max_body_bytes must be at least 1"),
    ({"SCOUT_CRAWLER_CONTACT": " "}, "crawler.contact is empty"),
    ({"SCOUT_SCORING_WEIGHT_VOLUME": "0", "SCOUT_SCORING_WEIGHT_QUALITY": "0", "SCOUT_SCORING_WEIGHT_MOMENTUM": "0",
      "SCOUT_SCORING_WEIGHT_RANKING": "0", "SCOUT_SCORING_WEIGHT_BREADTH": "0", "SCOUT_SCORING_WEIGHT_FIT": "0"},
     "must not all be 0"),
])
def test_settings_are_checked_when_loaded(environ: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(needle)):
        load_settings(environ=environ)


def test_a_bad_setting_stops_any_command_before_it_starts(tmp_path: Path) -> None:
    (tmp_path / "scout.toml").write_text("[outreach]\ncommission_pct = 150\n", encoding="utf-8")
    result = run_scout("db", "init", cwd=tmp_path)
    assert_one_error_line(result, "outreach.commission_pct must be between 0 and 100")
    assert not (tmp_path / "scout.db").exists()


def test_the_sender_placeholders_are_named() -> None:
    assert OutreachSettings().placeholders() == ["outreach.sender_name", "outreach.sender_email",
                                                 "outreach.company_name", "outreach.postal_address"]
    real = OutreachSettings(sender_name="Dana Reyes", sender_email="dana@example.com", company_name="Example Inc.",
                            postal_address="1 Main St, Springfield")
    assert real.placeholders() == []
