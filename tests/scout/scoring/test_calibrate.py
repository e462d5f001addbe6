"""`scout calibrate`: feedback rates fitted from storefronts that show sales and ratings, written to scout.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.engine import connection_scope, make_engine
from scout.errors import InputError
from scout.scoring.calibrate import apply_fits, fit_feedback_rates
from scout.settings import ScoringSettings, load_settings
from tests.scout.scoring.test_leads import DAY2, _seller


def test_rates_are_fitted_per_marketplace_with_the_storefronts_behind_them(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    for n, (sales, ratings) in enumerate([(1000, 100), (2000, 300), (4000, 200), (500, 100), (10, 9)]):
        _seller(engine, "etsy", DAY2, f"https://etsy.com/shop/S{n}", seller_id=f"S{n}", name=f"Shop {n}",
                stars=4.8, rating_count=ratings, sales_count=sales, sales_count_exact=True)
    _seller(engine, "ebay", DAY2, "https://ebay.com/str/one", seller_id="one", name="one", positive_pct=99.0,
            rating_count=500, lifetime_rating_count=500, sales_count=1200)
    with connection_scope(engine) as conn:
        fits = {fit.marketplace: fit for fit in fit_feedback_rates(conn, ScoringSettings())}
    engine.dispose()
    etsy = fits["etsy"]
    assert etsy.sellers == 4  # the shop with 10 sales is too small to say anything
    assert (etsy.low, etsy.high) == (0.05, 0.2) and etsy.median == pytest.approx(0.125)
    assert fits["ebay"].sellers == 1 and fits["ebay"].low is None  # too few storefronts: reported, not fitted

    config = tmp_path / "scout.toml"
    config.write_text('# the team\'s settings\n[scoring]\nweight_fit = 0.2  # we care little about fit\n',
                      encoding="utf-8")
    assert apply_fits(list(fits.values()), config) == 1
    text = config.read_text(encoding="utf-8")
    assert "# we care little about fit" in text and "# the team's settings" in text
    settings = load_settings(config, environ={}).scoring
    assert settings.feedback_range("etsy") == (0.05, 0.2) and settings.weight_fit == 0.2
    assert settings.feedback_range("ebay") == (0.4, 0.6)


def test_applying_with_nothing_fitted_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing to apply"):
        apply_fits([], tmp_path / "scout.toml")
