"""The channel gate: which channel an offer may use, by the business's country and where each contact was read, and
the rule it names; overrides need a reason."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import OfferEvent, Outreach
from scout.errors import ConfigError, InputError
from scout.outreach.channels import ChannelRules, choose_channel
from scout.outreach.drafts import Draft
from scout.outreach.followup import follow_up_offers
from scout.outreach.pipeline import mark_offer
from scout.settings import OutreachSettings, load_settings
from tests.scout.outreach.test_drafts import NOW, SETTINGS, build_outreach_db, by_name, run_draft

RULES = ChannelRules.of(OutreachSettings())


@dataclass(frozen=True)
class Contact:
    field: str
    value: str
    marketplace: str = "amazon"
    label: str | None = None


EMAIL = Contact("email", "info@alpha-kuechen.de", label="E-Mail")
PHONE = Contact("phone", "+49 30 1234567", label="Telefonnummer")
ADDRESS = Contact("address", "Hauptstr. 1, 10115 Berlin, DE", label="Geschäftsadresse")


@pytest.mark.parametrize("country", ["US", "FR", "GB", "ES", "IT"])
def test_b2b_email_is_allowed_with_an_opt_out_where_the_law_allows_it(country: str) -> None:
    chosen = choose_channel([EMAIL, ADDRESS], country, RULES)
    assert (chosen.channel, chosen.recipient) == ("email", "info@alpha-kuechen.de")
    assert f"email_rules {country} = opt-out" in chosen.rule and "allowed with an opt-out" in chosen.rule
    assert chosen.source == "amazon, 'E-Mail'"


@pytest.mark.parametrize("country", ["DE", "AT", "PL"])
def test_no_cold_email_without_consent_in_germany_austria_and_poland(country: str) -> None:
    chosen = choose_channel([EMAIL, ADDRESS, PHONE], country, RULES)
    assert chosen.channel == "letter" and chosen.recipient == "Hauptstr. 1, 10115 Berlin, DE"
    assert f"email_rules {country} = consent" in chosen.rule and "without consent on record" in chosen.rule
    assert "a letter to the business address is allowed everywhere" in chosen.rule


def test_the_rule_names_the_law_behind_a_default() -> None:
    assert "§7 UWG" in choose_channel([EMAIL, ADDRESS], "DE", RULES).rule
    assert "CAN-SPAM" in choose_channel([EMAIL], "US", RULES).rule


def test_an_address_read_from_ebay_is_never_used_for_marketing_email() -> None:
    ebay = Contact("email", "shop@example.co.uk", marketplace="ebay", label="email")
    chosen = choose_channel([ebay, Contact("address", "1 High St, Leeds", marketplace="ebay")], "GB", RULES)
    assert chosen.channel == "letter"
    assert "contact_sources ebay = never, eBay User Agreement" in chosen.rule
    amazon = Contact("email", "shop@example.co.uk", marketplace="amazon")
    assert choose_channel([ebay, amazon], "GB", RULES).channel == "email"  # the same address, shown elsewhere too


def test_a_phone_read_from_ebay_is_never_called() -> None:
    ebay = Contact("phone", "+44 113 496 0000", marketplace="ebay", label="Phone")
    chosen = choose_channel([ebay], "GB", RULES)
    assert chosen.channel == "marketplace" and "contact_sources ebay = never" in chosen.rule
    with pytest.raises(InputError, match="the gate refuses phone script"):
        choose_channel([ebay], "GB", RULES, wanted="phone")


def test_phone_when_there_is_no_usable_email_nor_address() -> None:
    us = choose_channel([PHONE], "US", RULES)
    assert (us.channel, us.recipient) == ("phone", "+49 30 1234567")
    assert "no postal address" in us.rule and "phone_rules * = allowed" in us.rule
    de = choose_channel([PHONE], "DE", RULES)  # marketing calls to German businesses need consent too
    assert de.channel == "marketplace" and "phone_rules DE = consent" in de.rule


def test_nothing_usable_is_a_marketplace_message() -> None:
    chosen = choose_channel([], "US", RULES)
    assert chosen.channel == "marketplace" and chosen.recipient is None
    assert "marketplace's contact form" in chosen.rule


def test_an_unknown_country_is_treated_with_the_strictest_default() -> None:
    assert choose_channel([EMAIL, ADDRESS], None, RULES).channel == "letter"
    assert "email_rules * = consent (country unknown)" in choose_channel([EMAIL, ADDRESS], None, RULES).rule


def test_a_malformed_email_is_no_email_at_all() -> None:
    hostile = Contact("email", "x@y.com\r\nBcc: victim@example.com")
    assert choose_channel([hostile, ADDRESS], "US", RULES).channel == "letter"


def test_a_refused_channel_needs_an_override_reason_which_is_recorded() -> None:
    with pytest.raises(InputError, match="the gate refuses e-mail .*email_rules DE = consent.*add --override"):
        choose_channel([EMAIL, ADDRESS], "DE", RULES, wanted="email")
    chosen = choose_channel([EMAIL, ADDRESS], "DE", RULES, wanted="email", override="consent by phone 2026-11-30")
    assert (chosen.channel, chosen.recipient, chosen.override) == ("email", EMAIL.value, "consent by phone 2026-11-30")
    assert chosen.rule.startswith("override: consent by phone 2026-11-30 (the gate said: email_rules DE = consent")


def test_a_wanted_channel_needs_its_contact() -> None:
    with pytest.raises(InputError, match="no phone script is possible: no public phone number is known"):
        choose_channel([EMAIL], "US", RULES, wanted="phone")
    with pytest.raises(InputError, match="unknown channel 'fax'"):
        choose_channel([EMAIL], "US", RULES, wanted="fax")
    assert choose_channel([EMAIL, ADDRESS], "US", RULES, wanted="letter").channel == "letter"


def test_the_rule_tables_are_settings_merged_over_the_defaults() -> None:
    settings = load_settings(environ={"SCOUT_OUTREACH_EMAIL_RULES": "DE=opt-out", "SCOUT_OUTREACH_CONTACT_SOURCES":
                                      "ebay=rules"})
    rules = ChannelRules.of(settings.outreach)
    assert choose_channel([EMAIL], "DE", rules).channel == "email"
    assert rules.email_policy("PL") == ("consent", "email_rules PL = consent")  # the other entries stay
    assert rules.source_policy("ebay") == "rules"


@pytest.mark.parametrize(("env", "message"), [
    ({"SCOUT_OUTREACH_EMAIL_RULES": "DE=maybe"}, "outreach.email_rules.DE must be one of opt-out, consent, never"),
    ({"SCOUT_OUTREACH_PHONE_RULES": "germany=allowed"}, "'germany' is not a country code in capitals"),
    ({"SCOUT_OUTREACH_CONTACT_SOURCES": "ebay=sometimes"}, "outreach.contact_sources.ebay must be one of rules, never"),
])
def test_bad_rules_are_refused_when_settings_load(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)


def test_drafts_refuse_the_placeholder_sender() -> None:
    with pytest.raises(ConfigError, match="set outreach.sender_name, outreach.sender_email, outreach.company_name, "
                                          "outreach.postal_address in scout.toml"):
        OutreachSettings().require_sender()
    real = OutreachSettings(sender_name="Dana Reyes", sender_email="dana@marketplace.example",
                            company_name="Example Marketplace Ltd", postal_address="2 Quay St, Dublin, IE")
    real.require_sender()
    with pytest.raises(ConfigError, match="set outreach.company_name in"):
        OutreachSettings(sender_name="Dana Reyes", sender_email="dana@marketplace.example",
                         postal_address="2 Quay St, Dublin, IE").require_sender()


# In the drafts: every offer and follow-up goes through the gate (tests.scout.outreach.test_drafts' world)

@pytest.fixture
def world(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    yield engine
    engine.dispose()


def _drafts(world: Engine, out: Path, **options: object) -> dict[str, Draft]:
    return {o.draft.business_name: o.draft for o in run_draft(world, out, **options).drafted}


def test_each_draft_states_its_channel_and_the_rule_that_chose_it(world: Engine, tmp_path: Path) -> None:
    drafts = _drafts(world, tmp_path / "out")
    channels = {name: d.channel.channel for name, d in drafts.items() if d.channel}
    hostile = next(name for name in channels if "cmd" in name)
    assert channels == {"Alpha Küchen GmbH": "letter", "Maison Lumière SARL": "email", "Casa Verde S.L.": "letter",
                        "Bottega Rossi S.r.l.": "marketplace", "Maker Studio LLC": "email", "Maria Pelagio": "email",
                        hostile: "phone"}  # its "e-mail" smuggles a Bcc: header, so it is none
    assert set(channels.values()) == {"email", "letter", "phone", "marketplace"}
    notes = dict(drafts["Alpha Küchen GmbH"].notes())
    assert notes["channel"].startswith("postal letter: email_rules DE = consent, §7 UWG")
    assert notes["recipient"] == "Hauptstraße 1, 10115 Berlin, DE (read from amazon, 'address')"


def test_a_german_business_never_gets_an_email_by_default(world: Engine, tmp_path: Path) -> None:
    report = run_draft(world, tmp_path / "out", fmt="eml")
    alpha = next(o for o in report.drafted if o.draft.business_name == "Alpha Küchen GmbH")
    message = email.message_from_bytes(alpha.path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "undisclosed-recipients:;" and "alpha-kuechen.de" not in str(message["To"])
    maison = next(o for o in report.drafted if o.draft.business_name == "Maison Lumière SARL")
    assert email.message_from_bytes(maison.path.read_bytes(), policy=email.policy.default)["To"] == \
        "contact@maison-lumiere.fr"


def test_a_letter_carries_the_postal_address_and_says_where_to_write(world: Engine, tmp_path: Path) -> None:
    report = run_draft(world, tmp_path / "out")
    text = by_name(report)["Alpha Küchen GmbH"].read_text(encoding="utf-8")
    assert "To: Alpha Küchen GmbH, Hauptstraße 1, 10115 Berlin, DE (postal letter)" in text
    assert "schreiben Sie uns einfach an partners@scout.invalid" in text and "auf diese E-Mail" not in text


def test_an_override_needs_a_reason_and_is_recorded_on_the_offer(world: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--override needs --channel"):
        run_draft(world, tmp_path / "x", override="consent")
    refused = run_draft(world, tmp_path / "a", channel="email", top=1)
    assert refused.drafted == [] and "the gate refuses e-mail" in refused.skipped[0][1]
    done = run_draft(world, tmp_path / "b", channel="email", override="consent by phone 2026-11-30", top=1)
    (alpha,) = done.drafted
    assert alpha.draft.channel is not None and alpha.draft.channel.recipient == "info@alpha-kuechen.de"
    with session_scope(world) as session:
        offer = session.execute(select(Outreach).where(Outreach.business_id == alpha.draft.business_id)).scalar_one()
        assert (offer.channel, offer.channel_override) == ("email", "consent by phone 2026-11-30")
        assert offer.channel_rule is not None and offer.channel_rule.startswith("override: consent by phone")
        notes = session.execute(select(OfferEvent.note).where(OfferEvent.business_id == offer.business_id)).scalars()
        assert "channel email by override: consent by phone 2026-11-30" in list(notes)


def test_a_follow_up_keeps_the_recorded_override(world: Engine, tmp_path: Path) -> None:
    run_draft(world, tmp_path / "b", channel="email", override="consent by phone", top=1)
    with session_scope(world) as session:
        mark_offer(session, "Alpha Küchen GmbH", "sent", now=NOW)
    with session_scope(world) as session:
        report = follow_up_offers(session, SETTINGS, out_dir=tmp_path / "f", now=NOW + timedelta(days=8),
                                  after=timedelta(days=7))
    (follow_up,) = report.drafted
    assert follow_up.draft.channel is not None and follow_up.draft.channel.channel == "email"
