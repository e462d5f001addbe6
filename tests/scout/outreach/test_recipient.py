"""Who a draft goes to: the language it is written in, and whether the business may be a sole trader."""

from __future__ import annotations

from datetime import date

import pytest

from scout.outreach.drafts import Economics, Offer, compose_draft, template_environment
from scout.outreach.locale import format_date, format_money, format_number
from scout.outreach.recipient import Storefront, choose_language, sole_trader_flags, sole_trader_form
from scout.settings import OutreachSettings

SETTINGS = OutreachSettings(sender_name="Dana Reyes", sender_email="dana@example.com", company_name="Example Inc.",
                            postal_address="1 Main St, Springfield")


@pytest.mark.parametrize(("marketplace", "site", "country", "language"), [
    ("allegro", "allegro.pl", "PL", "pl"),
    ("mercadolibre", "mercadolivre.com.br", "BR", "pt"),
    ("mercadolibre", "mercadolibre.com.ar", "AR", "es"),
    ("amazon", "amazon.pl", None, "pl"),
    ("ebay", "ebay.com", "PT", "pt"),
    ("etsy", "etsy.com", None, "en"),
])
def test_the_draft_is_written_in_the_sellers_language(marketplace: str, site: str, country: str | None,
                                                      language: str) -> None:
    assert choose_language([Storefront(marketplace, "1", site=site, country=country)], None) == language


@pytest.mark.parametrize(("name", "form"), [
    ("Max Mustermann e.K.", "e.k."), ("Müller e.Kfm.", "e.kfm."), ("Bäckerei Huber Einzelunternehmen",
                                                                    "einzelunternehmen"),
    ("Jean Dupont EI", "ei"), ("Atelier Lumière EIRL", "eirl"), ("Marie Curie micro-entrepreneur",
                                                                 "micro-entrepreneur"),
    ("Paul Martin auto-entrepreneur", "auto-entrepreneur"), ("Rossi Ditta Individuale", "ditta individuale"),
    ("Pepe García Autónomo", "autonomo"), ("Jan Kowalski Jednoosobowa Działalność Gospodarcza",
                                           "jednoosobowa dzialalnosc gospodarcza"),
    ("John Smith t/a Widgets", "t/a"), ("Smith Sole Trader", "sole trader"), ("Ann Lee sole proprietorship",
                                                                              "sole proprietorship"),
    ("Alpha Küchen GmbH", None), ("Eisen GmbH", None), ("MEI Handel Sp. z o.o.", None), ("Reine SAS", None),
])
def test_sole_trader_legal_forms_of_every_country(name: str, form: str | None) -> None:
    assert sole_trader_form(name) == form


def test_a_sole_trader_is_flagged_for_review_and_greeted_by_name() -> None:
    stores = [Storefront("amazon", "A1", site="amazon.de", name="Mustermann Shop", business_name="Max Mustermann e.K.",
                         country="DE", positive_share=0.98, rating_count=1200)]
    assert sole_trader_flags("Max Mustermann e.K.", stores)[0] == "sole trader: legal form 'e.k.' in " \
                                                                  "'Max Mustermann e.K.'"
    draft = compose_draft(template_environment(), SETTINGS, business_id=1, business_name="Max Mustermann e.K.",
                          business_country="DE", storefronts=stores, ranks=[],
                          offer=Offer("SC-AB12-CD34", date(2026, 12, 31), 3, 5.0),
                          economics=Economics(None, None, None, 3, 5.0))
    assert draft.body.startswith("Guten Tag Max Mustermann e.K.,")


@pytest.mark.parametrize(("marketplace", "site", "country", "greeting", "free", "ratings", "notice"), [
    ("allegro", "allegro.pl", "PL", "Dzień dobry, zespole Sklep Zuro,",
     "pierwsze trzy miesiące za darmo: bez prowizji i bez opłat przez 3 miesiące", "24\u00a0000 ocen",
     "art. 21 RODO"),
    ("mercadolibre", "mercadolivre.com.br", "BR", "Olá, equipe Sklep Zuro,",
     "os primeiros três meses grátis: sem comissão e sem tarifas durante 3 meses", "24.000 avaliações", None),
])
def test_polish_and_portuguese_drafts(marketplace: str, site: str, country: str, greeting: str, free: str,
                                      ratings: str, notice: str | None) -> None:
    stores = [Storefront(marketplace, "9", site=site, url=f"https://{site}/shop/9", name="Sklep Zuro",
                         business_name="Sklep Zuro Sp. z o.o.", country=country, positive_share=0.993,
                         rating_count=24_000)]
    draft = compose_draft(template_environment(), SETTINGS, business_id=7, business_name="Sklep Zuro",
                          business_country=country, storefronts=stores, ranks=[(4, "Elektronika")],
                          offer=Offer("SC-AB12-CD34", date(2026, 12, 31), 3, 5.0),
                          economics=Economics(1000.0, 5000.0, "PLN", 3, 5.0))
    assert draft.body.startswith(greeting) and free in draft.body and "SC-AB12-CD34" in draft.body
    assert "STOP" in draft.body and ratings in draft.body
    assert (notice in draft.body) if notice else ("art. 21" not in draft.body)
    assert draft.language == ("pl" if marketplace == "allegro" else "pt")


def test_polish_and_portuguese_numbers_money_and_dates() -> None:
    assert (format_number(2400, "pl"), format_number(12400, "pl")) == ("2400", "12\u00a0400")
    assert format_money(12400, "PLN", "pl") == "12\u00a0400\u00a0zł"
    assert format_money(12400, "BRL", "pt") == "R$\u00a012.400"
    assert format_date(date(2026, 12, 31), "pl") == "31 grudnia 2026"
    assert format_date(date(2026, 12, 31), "pt") == "31 de dezembro de 2026"
