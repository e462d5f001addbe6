"""Canonical URLs: one page, one fingerprint, however it was linked."""

from __future__ import annotations

import pytest

from scout.pages.urls import canonical_url, url_fingerprint


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.amazon.de/dp/B08N5NQ869/ref=zg_bs_hi_1?psc=1&th=1", "https://WWW.AMAZON.DE/dp/B08N5NQ869"),
        ("https://www.amazon.com/sp?seller=A1&ref_=x&language=en_US", "https://www.amazon.com/sp?language=en_US&seller=A1"),
        ("https://www.ebay.com:443/str/shop#about", "https://www.ebay.com/str/shop"),
        ("https://www.etsy.com/shop/Oakywood?utm_source=x&ref=hdr", "https://www.etsy.com/shop/Oakywood"),
    ],
)
def test_equivalent_urls_share_a_fingerprint(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)
    assert url_fingerprint(a) == url_fingerprint(b)


def test_different_pages_have_different_fingerprints() -> None:
    assert url_fingerprint("https://www.amazon.com/sp?seller=A1") != url_fingerprint("https://www.amazon.com/sp?seller=A2")
    assert url_fingerprint("http://127.0.0.1:8001/x") != url_fingerprint("http://127.0.0.1:8002/x")
