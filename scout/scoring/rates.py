"""Reference exchange rates: every figure is converted into one reporting currency (`[scoring] currency`).

The table ships with Scout and is dated: the European Central Bank's euro reference rates of 2024-12-31 for the
currencies the ECB quotes, and for the Latin American currencies MercadoLibre sells in (which the ECB does not
quote) the central banks' official US dollar rates of that day (BCRA Com. A 3500 for ARS, Banco Central de Chile's
dólar observado, Banco de la República's TRM, BCRP, BCU), rounded and re-based on the euro through the ECB's
USD rate. `[scoring] exchange_rates` in scout.toml overrides any of them (units of the currency per 1 USD,
dated by `exchange_rates_date`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scout.errors import ConfigError

TABLE_DATE = "2024-12-31"
_EUR_USD = 1.0389
# Units of each currency per 1 EUR (ECB euro foreign exchange reference rates, 2024-12-31).
ECB_PER_EUR: dict[str, float] = {
    "EUR": 1.0, "USD": _EUR_USD, "GBP": 0.82918, "PLN": 4.275, "CZK": 25.185, "HUF": 411.35, "RON": 4.9743,
    "SEK": 11.459, "DKK": 7.4578, "NOK": 11.795, "CHF": 0.9412, "CAD": 1.4948, "AUD": 1.6772, "NZD": 1.8532,
    "JPY": 163.06, "CNY": 7.5833, "HKD": 8.0686, "SGD": 1.4164, "INR": 88.9335, "KRW": 1532.15, "BRL": 6.4253,
    "MXN": 21.5504, "TRY": 36.7372, "ZAR": 19.6188, "BGN": 1.9558, "ISK": 143.9, "ILS": 3.7885,
}
# Units per 1 USD from the central banks named above (2024-12-31, rounded).
LATAM_PER_USD: dict[str, float] = {"ARS": 1032.5, "CLP": 996.5, "COP": 4409.15, "PEN": 3.77, "UYU": 44.07}


@dataclass(frozen=True)
class Rates:
    """Units of each currency per 1 EUR: the shipped table with the overrides of scout.toml."""

    per_eur: Mapping[str, float]
    overridden: frozenset[str] = frozenset()
    overrides_date: str = ""

    def factor(self, source: str | None, target: str) -> float | None:
        """How many `target` one unit of `source` is worth; None for a currency the table lacks."""
        if source is None:
            return None
        source, target = source.upper(), target.upper()
        if source == target:
            return 1.0
        if source not in self.per_eur or target not in self.per_eur:
            return None
        return self.per_eur[target] / self.per_eur[source]

    def convert(self, amount: float | None, source: str | None, target: str) -> float | None:
        """`amount` of `source` in `target`; None when either is unknown."""
        factor = self.factor(source, target)
        return None if amount is None or factor is None else amount * factor

    def date_of(self, source: str | None, target: str) -> str:
        """The date of the rate converting `source` into `target`."""
        if {(source or "").upper(), target.upper()} & self.overridden:
            return self.overrides_date
        return TABLE_DATE


def reference_rates(overrides: Mapping[str, float] | None = None, overrides_date: str = "") -> Rates:
    """The shipped table, with `overrides` (units per 1 USD) replacing its rates where given."""
    per_eur = dict(ECB_PER_EUR)
    per_eur.update({code: per_usd * _EUR_USD for code, per_usd in LATAM_PER_USD.items()})
    for code, per_usd in (overrides or {}).items():
        if per_usd <= 0:
            raise ConfigError(f"scoring.exchange_rates.{code} must be positive, got {per_usd}")
        per_eur[code.upper()] = per_usd * per_eur["USD"]
    if overrides and not overrides_date:
        raise ConfigError("scoring.exchange_rates_date must give the date the exchange_rates are of")
    return Rates(per_eur, frozenset(code.upper() for code in overrides or {}), overrides_date)


def check_currency(code: str, rates: Rates) -> None:
    """Raise ConfigError for a reporting currency the table cannot convert into."""
    if code.upper() not in rates.per_eur:
        raise ConfigError(f"scoring.currency {code!r} is not in the exchange-rate table "
                          f"(known: {', '.join(sorted(rates.per_eur))})")
