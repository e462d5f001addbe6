"""Offer drafts: one per business, in its language, with its figures, the free-months offer and compliance text."""

from __future__ import annotations

import csv
import email.parser
import email.policy
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.archive import archive_page
from db.engine import make_engine, session_scope
from db.models import Business, LeadScore, Outreach, RankingEntry, ScoreRun, Seller, SellerScore, Suppression
from scout.errors import ConfigError, InputError
from scout.identity.names import normalize_name
from scout.outreach.drafts import Economics
from scout.outreach.locale import format_date, format_money, format_number, format_percent
from scout.outreach.recipient import Storefront, choose_language, looks_like_person, needs_eu_notice
from scout.outreach.run import DraftReport, draft_offers
from scout.scoring.categories import classify_all, join_keys
from scout.scoring.freshness import data_mark
from scout.scoring.leads import select_leads
from scout.settings import OutreachSettings
from tests.helpers import FIXTURES

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
GOLDEN = FIXTURES / "drafts"
HOSTILE = "=cmd|' /C calc'!A0 \x1b[31m[bold]{{ 7*7 }}{% raw %}\r\nBcc: victim@example.com"
SETTINGS = OutreachSettings(sender_name="Dana Reyes")

# (business, country, score, gmv low-high, currency, [(marketplace, seller id, site, name, legal name, stars,
#  positive share, ratings, categories)], [(rank, list)])
WORLD = [
    ("Alpha Küchen GmbH", "DE", 90.0, (12_000, 60_000), "EUR",
     [("amazon", "A1ALPHA", "amazon.de", "Alpha Küchen", "Alpha Küchen GmbH", None, 0.98, 40_000, "Küche & Haushalt"),
      ("ebay", "alpha-kuechen", "ebay.de", "alpha-kuechen", None, None, 0.995, 5_000, None)],
     [(3, "Küche & Haushalt"), (12, "Messer")]),
    ("Maison Lumière SARL", "FR", 85.0, (8_000, 40_000), "EUR",
     [("amazon", "A2MAISON", "amazon.fr", "Maison Lumière", "Maison Lumière SARL", 4.8, None, 12_400, "Luminaires")],
     [(7, "Luminaires")]),
    ("Casa Verde S.L.", "ES", 80.0, (2_500, 12_500), "EUR",
     [("amazon", "A3CASA", "amazon.es", "Casa Verde", "Casa Verde S.L.", 4.6, None, 2_400, "Jardín")], []),
    ("Bottega Rossi S.r.l.", "IT", 75.0, (5_000, 25_000), "EUR",
     [("amazon", "A4ROSSI", "amazon.it", "Bottega Rossi", "Bottega Rossi S.r.l.", None, 0.97, 8_750, "Casa")], []),
    ("Maker Studio LLC", "US", 70.0, (20_000, 100_000), "USD",
     [("etsy", "4242", "etsy.com", "MakerStudio", None, 4.9, None, 12_000, "Jewelry")], [(1, "Jewelry")]),
    ("Maria Pelagio", "US", 65.0, (1_000, 5_000), "USD",
     [("etsy", "5151", "etsy.com", "Maria Pelagio", None, 5.0, None, 300, None)], []),
    (HOSTILE, "US", 60.0, (None, None), None,
     [("walmart", "9999", "walmart.com", HOSTILE, None, None, 0.9, 1_000, "{{ 7*7 }}")], []),
]
# Public contact details the storefronts' pages showed: a German business with e-mail, phone and address (a
# letter: no cold e-mail without consent), a French one with e-mail (an e-mail), a Spanish one with an address only
# (a letter), an Italian one with none (a marketplace message), US shops with e-mail addresses, contacts read from
# eBay (never used for marketing e-mail), and a hostile "e-mail" that is none, beside a phone (a phone script).
CONTACTS: dict[str, dict[str, str]] = {
    "A1ALPHA": {"email": "info@alpha-kuechen.de", "phone": "+49 30 1234567",
                "business_address": "Hauptstraße 1, 10115 Berlin, DE", "website": "https://alpha-kuechen.de"},
    "alpha-kuechen": {"email": "ebay@alpha-kuechen.de"},
    "A2MAISON": {"email": "contact@maison-lumiere.fr", "business_address": "3 rue de la Paix, 75002 Paris, FR"},
    "A3CASA": {"business_address": "Calle Mayor 5, 28013 Madrid, ES"},
    "4242": {"email": "hello@makerstudio.example", "phone": "+1 503 555 0142"},
    "5151": {"email": "hello@mariapelagio.example"},
    "9999": {"email": "x@y.com\r\nBcc: victim@example.com", "phone": "+1 479 555 0199"},
}
LANG_OF = {"Maker Studio LLC": "en", "Maison Lumière SARL": "fr", "Alpha Küchen GmbH": "de", "Casa Verde S.L.": "es",
           "Bottega Rossi S.r.l.": "it"}


def build_outreach_db(db: str) -> Engine:
    """Seven scored businesses (DE, FR, ES, IT, two US, one hostile name) and one unmatched storefront."""
    engine = make_engine(db)
    with session_scope(engine) as session:
        page = archive_page(session, url="https://ranks.invalid/", fingerprint="r", body=b"ranks", fetched_at=NOW)
        for name, country, score, (low, high), currency, stores, ranks in WORLD:
            business = Business(name=name, normalized_name=normalize_name(name), country=country)
            session.add(business)
            session.flush()
            pks = []
            for mp, sid, site, display, legal, stars, share, ratings, category in stores:
                seller = Seller(marketplace=mp, seller_id=sid, site=site, name=display, business_name=legal,
                                url=f"https://www.{site}/shop/{sid}", country=country, business_id=business.id,
                                **CONTACTS.get(sid, {}))
                session.add(seller)
                session.flush()
                assert seller.id is not None
                pks.append(seller.id)
                session.add(SellerScore(seller_pk=seller.id, business_key=f"business:{business.id}", marketplace=mp,
                                        score=score, stars=stars, positive_share=share, rating_count=ratings,
                                        categories=join_keys(classify_all(mp, [category])), last_seen=NOW))
            for rank, list_name in ranks:
                session.add(RankingEntry(page_id=page.id, marketplace=stores[0][0], rank=rank, product_id=f"P{rank}",
                                         list_name=list_name, seller_pk=pks[0], observed_at=NOW))
            session.add(LeadScore(business_key=f"business:{business.id}", business_id=business.id,
                                  main_seller_pk=pks[0], name=name, normalized_name=normalize_name(name),
                                  marketplaces=",".join(sorted({s[0] for s in stores})), storefronts=len(stores),
                                  country=country, score=score, gmv_month_low=low, gmv_month_high=high,
                                  currency=currency, last_seen=NOW))
        lone = Seller(marketplace="ebay", seller_id="lonely", site="ebay.com", name="Lonely Seller")
        session.add(lone)
        session.flush()
        assert lone.id is not None
        session.add(SellerScore(seller_pk=lone.id, business_key=f"seller:{lone.id}", marketplace="ebay", score=50,
                                last_seen=NOW))
        session.add(LeadScore(business_key=f"seller:{lone.id}", main_seller_pk=lone.id, name="Lonely Seller",
                              marketplaces="ebay", score=50, last_seen=NOW))
        session.flush()  # these hand-made scores are the last `scout score` over this data: nothing rescores them
        session.add(ScoreRun(computed_at=NOW, storefronts=10, businesses=8, data_mark=data_mark(session)))
    return engine


def codes(prefix: str = "SC-TEST") -> Callable[[], str]:
    """Offer codes SC-TEST-0001, SC-TEST-0002 … in order."""
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter):04d}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    yield engine
    engine.dispose()


def run_draft(engine: Engine, out: Path, settings: OutreachSettings = SETTINGS,
              new_code: Callable[[], str] | None = None, **options: object) -> DraftReport:
    with session_scope(engine) as session:
        return draft_offers(session, settings, out_dir=out, now=NOW, new_code=new_code or codes(),
                            **options)  # type: ignore[arg-type]


def by_name(report: DraftReport) -> dict[str, Path]:
    return {o.draft.business_name: o.path for o in report.drafted}


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/fixtures/drafts/<name>; SCOUT_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("SCOUT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs (SCOUT_UPDATE_GOLDEN=1 to accept)"


# Locale formatting and choices


@pytest.mark.parametrize(("value", "language", "digits", "expected"), [
    (12_400, "en", 0, "12,400"), (12_400, "fr", 0, "12\u00a0400"), (12_400, "de", 0, "12.400"),
    (12_400, "es", 0, "12.400"), (2_400, "es", 0, "2400"), (2_400, "de", 0, "2.400"), (12_400, "it", 0, "12.400"),
    (4.8, "en", 1, "4.8"), (4.8, "fr", 1, "4,8"), (4.8, "de", 1, "4,8"), (999, "en", 0, "999"),
    (1_234_567.5, "de", 1, "1.234.567,5"),
])
def test_format_number_per_language(value: float, language: str, digits: int, expected: str) -> None:
    assert format_number(value, language, digits) == expected


@pytest.mark.parametrize(("language", "percent", "money", "day"), [
    ("en", "5%", "€25,000", "2 December 2026"),
    ("fr", "5\u00a0%", "25\u00a0000\u00a0€", "2 décembre 2026"),
    ("de", "5\u00a0%", "25.000\u00a0€", "2. Dezember 2026"),
    ("es", "5\u00a0%", "25.000\u00a0€", "2 de diciembre de 2026"),
    ("it", "5%", "25.000\u00a0€", "2 dicembre 2026"),
])
def test_percent_money_and_dates_per_language(language: str, percent: str, money: str, day: str) -> None:
    assert format_percent(5.0, language) == percent
    assert format_money(25_000, "EUR", language) == money
    assert format_date(date(2026, 12, 2), language) == day


def _store(marketplace: str, site: str | None, country: str | None = None) -> Storefront:
    return Storefront(marketplace=marketplace, seller_id="x", site=site, country=country)


@pytest.mark.parametrize(("marketplace", "site", "country", "expected"), [
    ("amazon", "amazon.fr", None, "fr"), ("amazon", "amazon.de", None, "de"), ("amazon", "amazon.es", None, "es"),
    ("amazon", "amazon.it", None, "it"), ("amazon", "amazon.co.uk", None, "en"), ("amazon", "amazon.com", None, "en"),
    ("amazon", "amazon.com", "FR", "fr"), ("ebay", "ebay.at", None, "de"), ("etsy", "etsy.com", "DE", "de"),
    ("cdiscount", "cdiscount.com", None, "fr"), ("allegro", "allegro.pl", "PL", "pl"),
    ("mercadolibre", "mercadolibre.com.ar", None, "es"), ("walmart", "walmart.com", "US", "en"),
    ("amazon", None, None, "en"),
])
def test_language_follows_the_marketplace_site(marketplace: str, site: str | None, country: str | None,
                                               expected: str) -> None:
    assert choose_language([_store(marketplace, site, country)], None) == expected


def test_language_can_be_forced() -> None:
    assert choose_language([_store("amazon", "amazon.fr")], None, "it") == "it"


@pytest.mark.parametrize(("marketplace", "site", "country", "expected"), [
    ("amazon", "amazon.de", None, True), ("amazon", "amazon.co.uk", None, True), ("allegro", "allegro.pl", None, True),
    ("cdiscount", "cdiscount.com", None, True), ("etsy", "etsy.com", "NL", True), ("amazon", "amazon.com", "US", False),
    ("walmart", "walmart.com", None, False), ("mercadolibre", "mercadolibre.com.mx", None, False),
])
def test_eu_notice_for_eu_and_uk_recipients(marketplace: str, site: str, country: str | None,
                                            expected: bool) -> None:
    assert needs_eu_notice([_store(marketplace, site, country)], None) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Maria Pelagio", True), ("Jean-Luc Picard", True), ("maria pelagio", False), ("Maria Pelagio GmbH", False),
    ("Alpha Küchen", False), ("Maker Studio", False), ("Maria Store", False), ("John", False), (HOSTILE, False),
])
def test_person_like_names(name: str, expected: bool) -> None:
    assert looks_like_person(name) is expected


def test_free_months_cost_is_gmv_times_commission_times_months() -> None:
    econ = Economics(10_000, 50_000, "EUR", free_months=3, commission_pct=5.0)
    assert (econ.waived_low, econ.waived_high) == (1_500, 7_500)
    assert econ.describe() == ("10,000-50,000 EUR per month", "1,500-7,500 EUR (GMV x 5% x 3 months)")
    assert Economics(None, None, None, 3, 5.0).waived_low is None


# Drafts


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "it"])
def test_golden_draft_per_language(engine: Engine, tmp_path: Path, language: str) -> None:
    report = run_draft(engine, tmp_path / "out")
    name = next(n for n, lang in LANG_OF.items() if lang == language)
    outcome = next(o for o in report.drafted if o.draft.business_name == name)
    assert outcome.draft.language == language
    assert_golden(f"offer_{language}.md", outcome.path.read_text(encoding="utf-8"))


def test_golden_eml(engine: Engine, tmp_path: Path) -> None:
    report = run_draft(engine, tmp_path / "out", fmt="eml")
    assert_golden("offer_de.eml", by_name(report)["Alpha Küchen GmbH"].read_bytes().decode("utf-8"))  # a letter
    assert_golden("offer_fr.eml", by_name(report)["Maison Lumière SARL"].read_bytes().decode("utf-8"))  # To: it


def test_one_draft_per_business_never_per_storefront(engine: Engine, tmp_path: Path) -> None:
    report = run_draft(engine, tmp_path / "out")
    ids = [o.draft.business_id for o in report.drafted]
    assert len(ids) == len(set(ids)) == len(WORLD)
    alpha = next(o.draft for o in report.drafted if o.draft.business_name == "Alpha Küchen GmbH")
    assert alpha.sites == ("Amazon.de", "eBay.de")
    assert ("Lonely Seller", "not matched to a business yet: run `scout match`, then `scout score`") in report.skipped


def test_every_draft_has_the_offer_sender_address_and_opt_out(engine: Engine, tmp_path: Path) -> None:
    settings = replace(SETTINGS, sender_name="Ada Byron", company_name="Acme Markets Ltd",
                       postal_address="2 Quay St, Dublin D02, Ireland", sender_email="ada@acme.invalid")
    for outcome in run_draft(engine, tmp_path / "out", settings).drafted:
        body, lang = outcome.draft.body, outcome.draft.language
        phone = outcome.draft.channel is not None and outcome.draft.channel.channel == "phone"
        assert {"en": "first three months free", "fr": "trois premiers mois offerts", "de": "ersten drei Monate gratis",
                "es": "tres primeros meses gratis", "it": "primi tre mesi gratis"}[lang] in body or (
            phone and "first three months are free" in body)
        assert outcome.draft.offer.code in body and "5" in body
        for needed in ("Ada Byron", "Acme Markets Ltd", "2 Quay St, Dublin D02, Ireland", "STOP", "ada@acme.invalid"):
            assert needed in body, (lang, needed)


def test_eu_notice_present_for_eu_and_absent_for_us(engine: Engine, tmp_path: Path) -> None:
    drafts = {o.draft.business_name: o.draft for o in run_draft(engine, tmp_path / "out").drafted}
    for name in ("Alpha Küchen GmbH", "Maison Lumière SARL", "Casa Verde S.L.", "Bottega Rossi S.r.l."):
        assert drafts[name].eu_notice and "art. 21" in drafts[name].body.lower()
    assert "Amazon.de und eBay.de" in drafts["Alpha Küchen GmbH"].body
    us = drafts["Maker Studio LLC"]
    assert not us.eu_notice and "GDPR" not in us.body and "Art. 14" not in us.body


def test_drafts_quote_the_sellers_own_figures_in_its_locale(engine: Engine, tmp_path: Path) -> None:
    drafts = {o.draft.business_name: o.draft.body for o in run_draft(engine, tmp_path / "out").drafted}
    assert "4,8★ sur 12\u00a0400 évaluations sur Amazon.fr" in drafts["Maison Lumière SARL"]
    assert "98\u00a0% positiv aus 40.000 Bewertungen auf Amazon.de" in drafts["Alpha Küchen GmbH"]
    assert "Platz 3 der Bestseller in Küche\n" in drafts["Alpha Küchen GmbH"]  # the shared taxonomy's German name
    assert "4,6★ de 2400 valoraciones en Amazon.es" in drafts["Casa Verde S.L."]
    assert "4.9★ from 12,000 ratings on Etsy.com" in drafts["Maker Studio LLC"]


def test_no_raw_category_code_reaches_a_draft(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        page = archive_page(session, url="https://codes.invalid/", fingerprint="c", body=b"codes", fetched_at=NOW)
        pk = session.execute(select(col(Seller.id)).where(col(Seller.seller_id) == "4242")).scalar_one()
        for rank, code in ((2, "hi"), (4, "MLA41925"), (5, "zzz-unknown")):
            session.add(RankingEntry(page_id=page.id, marketplace="etsy", rank=rank, product_id=f"C{rank}",
                                     list_name=code, seller_pk=pk, observed_at=NOW))
    body = {o.draft.business_name: o.draft.body for o in run_draft(engine, tmp_path / "out").drafted}[
        "Maker Studio LLC"]
    assert not any(code in body for code in (" hi\n", "MLA41925", "zzz-unknown"))
    assert "#1 among the best sellers in Clothing, Shoes & Jewelry" in body


def test_low_data_businesses_are_drafted_only_when_asked(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        session.execute(update(LeadScore).where(col(LeadScore.name) == "Maria Pelagio").values(
            insufficient=True, reason="only 3 ratings (fewer than 20)", score=0.0))
    names = {o.draft.business_name for o in run_draft(engine, tmp_path / "a").drafted}
    assert "Maria Pelagio" not in names and "Maker Studio LLC" in names
    with session_scope(engine) as session:
        report = draft_offers(session, OutreachSettings(), out_dir=tmp_path / "b", now=NOW, include_low_data=True)
    assert "Maria Pelagio" in {o.draft.business_name for o in report.drafted}


def test_sole_trader_is_flagged_for_review(engine: Engine, tmp_path: Path) -> None:
    report = run_draft(engine, tmp_path / "out")
    drafts = {o.draft.business_name: o.draft for o in report.drafted}
    assert drafts["Maria Pelagio"].review == ("sole trader? person-like name 'Maria Pelagio'",)
    assert drafts["Maria Pelagio"].body.startswith("Hello Maria Pelagio,\n")
    assert drafts["Maker Studio LLC"].review == ()
    assert "review: sole trader?" in by_name(report)["Maria Pelagio"].read_text(encoding="utf-8")


def test_economics_are_internal_notes_not_in_the_message(engine: Engine, tmp_path: Path) -> None:
    path = by_name(run_draft(engine, tmp_path / "out"))["Alpha Küchen GmbH"]
    message, notes = path.read_text(encoding="utf-8").split("## Internal notes")
    assert "free months cost (waived commission): 1,800-9,000 EUR (GMV x 5% x 3 months)" in notes
    assert "12,000-60,000 EUR per month" in notes and "1,800" not in message


def test_csv_has_economics_and_review_columns(engine: Engine, tmp_path: Path) -> None:
    run_draft(engine, tmp_path / "out", fmt="csv")
    with (tmp_path / "out" / "drafts.csv").open(encoding="utf-8", newline="") as fh:
        rows = {row["business"]: row for row in csv.DictReader(fh)}
    alpha = rows["Alpha Küchen GmbH"]
    assert (alpha["monthly_gmv_low"], alpha["waived_commission_low"], alpha["waived_commission_high"]) == (
        "12000", "1800", "9000")
    assert alpha["eu_notice"] == "yes" and alpha["free_months"] == "3" and alpha["commission_pct"] == "5.0"
    assert rows["Maria Pelagio"]["review"].startswith("sole trader?")
    assert "\n" in alpha["body"] and alpha["offer_code"] in alpha["body"]


def test_free_months_and_commission_are_configurable(engine: Engine, tmp_path: Path) -> None:
    settings = replace(SETTINGS, free_months=6, commission_pct=7.5)
    draft = next(o.draft for o in run_draft(engine, tmp_path / "out", settings).drafted
                 if o.draft.business_name == "Maker Studio LLC")
    assert "the first six months free" in draft.body and "7.5%" in draft.body
    assert draft.economics.waived_low == pytest.approx(20_000 * 0.075 * 6)


# Hostile names


def test_hostile_name_stays_inert_in_markdown(engine: Engine, tmp_path: Path) -> None:
    text = next(p for n, p in by_name(run_draft(engine, tmp_path / "out")).items() if "calc" in n).read_text("utf-8")
    assert "{{ 7*7 }}" in text and "{% raw %}" in text and "[bold]" in text and "49" not in text
    assert "\x1b" not in text and "\r" not in text and "\nBcc:" not in text
    assert text.count("```") == 4  # the name cannot close the fenced blocks


def test_hostile_name_stays_inert_in_eml_headers_and_body(engine: Engine, tmp_path: Path) -> None:
    path = next(p for n, p in by_name(run_draft(engine, tmp_path / "out", fmt="eml")).items() if "calc" in n)
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
    assert msg["Bcc"] is None and "victim" not in str(msg["To"])
    assert "{{ 7*7 }}" in msg["Subject"] and "\n" not in msg["Subject"] and "\x1b" not in msg["Subject"]
    body = msg.get_content()
    assert "=cmd|' /C calc'!A0 [bold]{{ 7*7 }}{% raw %} Bcc: victim@example.com" in body and "\x1b" not in body
    assert all("\n" not in str(value) for _, value in msg.items())


def test_hostile_name_stays_inert_in_csv(engine: Engine, tmp_path: Path) -> None:
    run_draft(engine, tmp_path / "out", fmt="csv")
    with (tmp_path / "out" / "drafts.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if "calc" in r["business"])
    assert row["business"].startswith("'=cmd") and row["subject"].startswith("'=cmd")
    assert all("\x1b" not in cell and "\r" not in cell for cell in row.values())


def test_eml_is_a_valid_unsent_message_with_unsubscribe(engine: Engine, tmp_path: Path) -> None:
    for outcome in run_draft(engine, tmp_path / "out", fmt="eml").drafted:
        msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(outcome.path.read_bytes())
        assert msg.defects == [] and msg.get_content_type() == "text/plain"
        assert msg["Content-Language"] == outcome.draft.language
        channel = outcome.draft.channel
        assert channel is not None
        assert str(msg["To"]) == (channel.recipient if channel.channel == "email" else "undisclosed-recipients:;")
        assert msg["List-Unsubscribe"] == f"<mailto:partners@scout.invalid?subject=STOP%20{outcome.draft.offer.code}>"
        assert msg["X-Scout-Offer-Code"] == outcome.draft.offer.code
        assert outcome.draft.storefront_url in msg.get_content()


# Suppression and re-drafting


def test_suppressed_business_gets_no_draft_unless_asked_then_marked(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="Bottega Rossi", normalized_name=normalize_name("Bottega Rossi"), reason="asked"))
        session.add(Suppression(name="Verde Holdings", normalized_name="verde", domain="casaverde.es"))
        casa = session.execute(select(Business).where(Business.name == "Casa Verde S.L.")).scalar_one()
        casa.website = "https://www.casaverde.es/"
    report = run_draft(engine, tmp_path / "a")
    assert not {"Casa Verde S.L.", "Bottega Rossi S.r.l."} & set(by_name(report))
    with session_scope(engine) as session:  # left out of the leads as of the drafts, by the same rule
        assert not {"Casa Verde S.L.", "Bottega Rossi S.r.l."} & {lead.name for lead in select_leads(session)}
    marked = run_draft(engine, tmp_path / "b", new_code=codes("B"), include_suppressed=True)
    drafts = {o.draft.business_name: o.draft for o in marked.drafted}
    assert drafts["Casa Verde S.L."].suppressed and drafts["Bottega Rossi S.r.l."].suppressed
    assert not drafts["Maker Studio LLC"].suppressed
    assert "DO NOT SEND" in by_name(marked)["Casa Verde S.L."].read_text(encoding="utf-8")


def test_redraft_keeps_the_offer_code_and_adds_no_offer(engine: Engine, tmp_path: Path) -> None:
    first = run_draft(engine, tmp_path / "out", new_code=codes("FIRST"))
    again = run_draft(engine, tmp_path / "out", new_code=codes("SECOND"))
    assert {o.draft.offer.code for o in first.drafted} == {o.draft.offer.code for o in again.drafted}
    assert all(o.refreshed for o in again.drafted) and not any(o.refreshed for o in first.drafted)
    with session_scope(engine) as session:
        assert len(session.execute(select(Outreach)).all()) == len(WORLD)


def test_an_offer_already_sent_is_left_alone(engine: Engine, tmp_path: Path) -> None:
    run_draft(engine, tmp_path / "out")
    with session_scope(engine) as session:
        offer = session.execute(select(Outreach).join(Business).where(Business.name == "Maker Studio LLC")).scalar_one()
        offer.status, code = "sent", offer.offer_code
    report = run_draft(engine, tmp_path / "again")
    assert "Maker Studio LLC" not in by_name(report)
    assert ("Maker Studio LLC", f"offer {code} is sent: left alone") in report.skipped


def test_expired_draft_gets_a_new_expiry_but_keeps_its_code(engine: Engine, tmp_path: Path) -> None:
    first = by_name_code(run_draft(engine, tmp_path / "out"))
    later = datetime(2027, 3, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        report = draft_offers(session, SETTINGS, out_dir=tmp_path / "out", now=later, new_code=codes("NEW"))
    again = {o.draft.business_name: o.draft.offer for o in report.drafted}
    assert again["Maker Studio LLC"].code == first["Maker Studio LLC"]
    assert again["Maker Studio LLC"].expires_on == date(2027, 3, 31)


def by_name_code(report: DraftReport) -> dict[str, str]:
    return {o.draft.business_name: o.draft.offer.code for o in report.drafted}


# Templates


def _override(folder: Path, body: str) -> OutreachSettings:
    folder.mkdir(exist_ok=True)
    (folder / "offer_en.txt.j2").write_text(body, encoding="utf-8")
    return replace(SETTINGS, templates_dir=str(folder))


COMPLETE = ("CUSTOM {{ business_name }}: {{ free_months }} months, {{ offer_code }} until {{ expires }}.\n"
            "{{ sender_name }}, {{ company_name }}, {{ postal_address }}. Reply STOP.\n")


def test_a_team_template_overrides_the_builtin_one(engine: Engine, tmp_path: Path) -> None:
    settings = _override(tmp_path / "tpl", COMPLETE)
    drafts = {o.draft.business_name: o.draft for o in run_draft(engine, tmp_path / "out", settings, top=10).drafted}
    assert drafts["Maker Studio LLC"].body.startswith("CUSTOM Maker Studio LLC: 3 months, SC-TEST-")
    assert drafts["Alpha Küchen GmbH"].body.startswith("Guten Tag")  # other languages keep the built-in template


@pytest.mark.parametrize(("body", "message"), [
    (COMPLETE.replace("{{ postal_address }}", ""), "leaves out: postal address"),
    (COMPLETE.replace("Reply STOP.", ""), r"leaves out: opt-out \(STOP\)"),
    (COMPLETE + "{{ ''.__class__.__mro__[1].__subclasses__() }}", "outreach template offer_en.txt.j2"),
    (COMPLETE + "{{ no_such_variable }}", "no_such_variable"),
    (COMPLETE + "{% if %}", "outreach template offer_en.txt.j2"),
])
def test_a_broken_or_non_compliant_template_is_a_config_error(engine: Engine, tmp_path: Path, body: str,
                                                              message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        run_draft(engine, tmp_path / "out", _override(tmp_path / "tpl", body))
    assert not (tmp_path / "out").exists()  # nothing written when a draft fails


@pytest.mark.parametrize(("options", "message"), [
    ({"language": "xx"}, "unknown language"), ({"fmt": "pdf"}, "unknown format"), ({"top": 0}, "top must be"),
])
def test_bad_draft_options_are_input_errors(engine: Engine, tmp_path: Path, options: dict[str, object],
                                            message: str) -> None:
    with pytest.raises(InputError, match=message):
        run_draft(engine, tmp_path / "out", **options)


def test_settings_without_a_postal_address_are_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="postal_address"):
        run_draft(engine, tmp_path / "out", replace(SETTINGS, postal_address=" "))
