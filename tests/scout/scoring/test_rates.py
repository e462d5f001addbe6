"""Reference exchange rates: the dated table shipped with Scout, and scout.toml overrides."""

from __future__ import annotations

import pytest

from scout.errors import ConfigError
from scout.scoring.rates import TABLE_DATE, check_currency, reference_rates


def test_the_table_converts_through_the_euro() -> None:
    rates = reference_rates()
    assert rates.factor("EUR", "USD") == pytest.approx(1.0389)  # ECB reference rate of 2024-12-31
    assert rates.convert(4.275, "PLN", "EUR") == pytest.approx(1.0)
    assert rates.convert(1032.5, "ARS", "USD") == pytest.approx(1.0)  # BCRA's official rate that day
    assert rates.date_of("PLN", "USD") == TABLE_DATE == "2024-12-31"


def test_unknown_currencies_are_not_guessed() -> None:
    rates = reference_rates()
    assert rates.factor("XYZ", "USD") is None and rates.convert(10.0, None, "USD") is None
    with pytest.raises(ConfigError, match="not in the exchange-rate table"):
        check_currency("XYZ", rates)


def test_overrides_replace_a_rate_and_carry_their_date() -> None:
    rates = reference_rates({"ARS": 1200.0}, "2026-06-30")
    assert rates.convert(1200.0, "ARS", "USD") == pytest.approx(1.0)
    assert rates.date_of("ARS", "USD") == "2026-06-30" and rates.date_of("EUR", "USD") == TABLE_DATE
    with pytest.raises(ConfigError, match="exchange_rates_date"):
        reference_rates({"ARS": 1200.0})
    with pytest.raises(ConfigError, match="must be positive"):
        reference_rates({"ARS": 0.0}, "2026-06-30")
