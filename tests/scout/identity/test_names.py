"""Name, address, country and domain normalisation: one business compares equal across marketplaces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scout.identity.names import (
    email_domain,
    legal_key,
    name_keys,
    normalize_country,
    normalize_domain,
    normalize_name,
    own_domains,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Anker Direct", "anker"),
    ("AnkerDirect-US", "anker"),
    ("anker_official", "anker"),
    ("ANKER OFFICIAL STORE", "anker"),
    ("ankerdirect", "anker"),
    ("anker.store", "anker"),
    ("anker-uk", "anker"),
    ("anker417", "anker"),
    ("Café Crème SARL", "cafe creme"),
    ("cafe-creme", "cafe creme"),
    ("Nordic Home GmbH", "nordic home"),
    ("Nordic Home GmbH & Co. KG", "nordic home"),
    ("Nordic Home LLC", "nordic home"),
    ("Kühl UG (haftungsbeschränkt)", "kuhl"),
    ("Größer Werkzeug e.K.", "grosser werkzeug"),
    ("Łódka Sp. z o.o.", "lodka"),
    ("Niñera S.L.", "ninera"),
    ("Città Bella S.r.l.", "citta bella"),
    ("Shenzhen Voltix Technology Co., Ltd.", "voltix"),
    ("VOLTIX OFICIAL", "voltix"),
    ("Voltix France", "voltix"),
    ("SwiftHomeStudio", "swift home"),
    ("IronictekSupplyStudi", "ironictek supply"),  # Etsy's 20-character limit cut "Studio" short
    ("Official Store", "official store"),  # nothing but shop words: keep them rather than nothing
    ("", ""),
    ("=cmd|' /C calc'!A0", "cmd c calc a0"),
])
def test_normalize_name_table(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@given(st.text(max_size=60))
def test_normalize_name_gives_lowercase_words_for_any_text(text: str) -> None:
    normalized = normalize_name(text)
    assert normalized == normalized.lower().strip()
    assert all(word.isalnum() for word in normalized.split(" ") if normalized)
    assert all(" " not in key and key for key in name_keys(text))
    normalize_domain(text)


def test_name_keys_also_drop_letters_ascii_handles_cannot_spell() -> None:
    assert name_keys("Größer") == ("grosser", "groer")
    assert name_keys("Łódka") == ("lodka", "odka")
    assert name_keys("Anker Direct") == ("anker",)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Nordic Home GmbH", "nordichome"),
    ("Nordic Home Store LLC", "nordichomestore"),  # shop words stay: a registered name means what it says
    ("Hangzhou Voltix Trading Co., Ltd.", "voltix"),
    (None, None),
])
def test_legal_key_table(raw: str | None, expected: str | None) -> None:
    assert legal_key(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://www.Anker.com/about", "anker.com"),
    ("sales@anker.co.uk", "anker.co.uk"),
    ("anker.de", "anker.de"),
    ("https://www.amazon.de/sp?seller=A1", None),
    ("https://www.ebay.com/str/anker", None),
    ("Anker", None),
    (None, None),
    ("HTTPS://WWW.Müller-Shop.DE/impressum", "xn--mller-shop-9db.de"),  # an IDN in its ASCII form
    ("xn--mller-shop-9db.de", "xn--mller-shop-9db.de"),
    ("info@Müller-Shop.de", "xn--mller-shop-9db.de"),
    ("anker.com.", "anker.com"),
    ("www.anker.com:8080/shop?x=1", "anker.com"),
    ("\x1b[31manker.com", "anker.com"),
])
def test_normalize_domain_table(raw: str | None, expected: str | None) -> None:
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("DE", "DE"), ("de", "DE"), ("Germany", "DE"), ("UK", "GB"),
                                               (" ", None), (None, None)])
def test_normalize_country_table(raw: str | None, expected: str | None) -> None:
    assert normalize_country(raw) == expected


@pytest.mark.parametrize(("email", "expected"), [
    ("info@anker.com", "anker.com"),
    ("Sales@Anker.co.uk", "anker.co.uk"),
    ("anker.shop@gmail.com", None),  # a mailbox provider's domain says nothing about the business
    ("kontakt@web.de", None),
    ("biuro@wp.pl", None),
    ("not an address", None),
    (None, None),
])
def test_email_domain_of_a_business_address(email: str | None, expected: str | None) -> None:
    assert email_domain(email) == expected


def test_own_domains_are_the_website_then_the_email_domain() -> None:
    assert own_domains("https://www.anker.com/", "support@anker-help.com") == ("anker.com", "anker-help.com")
    assert own_domains("anker.com", "info@anker.com") == ("anker.com",)
    assert own_domains(None, "shop@gmail.com") == ()
