"""`scout calibrate`: fit each marketplace's feedback rate (ratings per order) where a storefront shows both a sales
count and a lifetime rating count (Etsy shop pages, eBay stores with items sold, MercadoLibre where it shows
ratings), and write the fitted ranges to scout.toml.

The fitted range is the 10th-90th percentile of ratings ÷ sales over the storefronts of a marketplace, each counted
once (its latest snapshot showing both); a marketplace with fewer than `min_sellers` such storefronts is reported
but not fitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select

from scout.errors import ConfigError, InputError
from scout.scoring.revenue import median
from scout.settings import ScoringSettings, read_config_file

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MIN_SALES = 20  # smaller counts make the ratio mostly noise
MAX_RATIO = 2.0  # eBay feedback also counts purchases: a higher ratio is not a sales count


@dataclass(frozen=True)
class Fit:
    """The feedback rate of one marketplace as its storefronts show it."""

    marketplace: str
    sellers: int
    median: float | None
    low: float | None  # fitted range, None when too few storefronts
    high: float | None
    current: tuple[float, float]


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def fit_feedback_rates(conn: Connection, settings: ScoringSettings, min_sellers: int = 3) -> list[Fit]:
    """Ratings ÷ sales per storefront, and the range each marketplace's fits, from the latest snapshots."""
    from db.models import Seller, SellerSnapshot

    snap, seller = SellerSnapshot.__table__, Seller.__table__  # type: ignore[attr-defined]
    if min_sellers < 1:
        raise InputError(f"min sellers must be at least 1, got {min_sellers}")
    ratings = func.coalesce(snap.c.lifetime_rating_count, case((snap.c.rating_window_days.is_(None),
                                                                 snap.c.rating_count)))
    query = (select(seller.c.marketplace, snap.c.seller_pk, snap.c.sales_count, ratings)
             .join(seller, seller.c.id == snap.c.seller_pk)
             .where(snap.c.sales_count >= MIN_SALES, ratings.is_not(None), seller.c.is_platform.is_(False))
             .order_by(snap.c.seller_pk, snap.c.observed_at))
    latest: dict[int, tuple[str, float]] = {}
    for marketplace, pk, sales, count in conn.execute(query):
        latest[pk] = (marketplace, count / sales)
    ratios: dict[str, list[float]] = {}
    for marketplace, ratio in latest.values():
        if 0 < ratio <= MAX_RATIO:
            ratios.setdefault(marketplace, []).append(ratio)
    fits = []
    for marketplace in sorted(ratios):
        ordered = sorted(ratios[marketplace])
        enough = len(ordered) >= min_sellers
        fits.append(Fit(marketplace, len(ordered), median(ordered),
                        max(0.001, min(1.0, _quantile(ordered, 0.1))) if enough else None,
                        max(0.001, min(1.0, _quantile(ordered, 0.9))) if enough else None,
                        settings.feedback_range(marketplace)))
    return fits


def apply_fits(fits: list[Fit], path: Path) -> int:
    """Write the fitted ranges to `path` (`[scoring.feedback_rates]`), keeping its other content and comments;
    how many marketplaces were written."""
    import tomlkit  # keeps the team's comments and layout in scout.toml, which a plain TOML writer would drop

    fitted = [f for f in fits if f.low is not None and f.high is not None]
    if not fitted:
        raise InputError("nothing to apply: no marketplace has enough storefronts with both sales and ratings")
    if path.exists():
        read_config_file(path)  # one clear ConfigError for a file that is not TOML
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    else:
        document = tomlkit.document()
    scoring = document.setdefault("scoring", tomlkit.table())
    rates = scoring.get("feedback_rates")
    if rates is None:
        rates = tomlkit.table()
        scoring["feedback_rates"] = rates
    for fit in fitted:
        rates[fit.marketplace] = [round(fit.low or 0, 4), round(fit.high or 0, 4)]
    try:
        path.write_text(tomlkit.dumps(document), encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot write {path}: {err.strerror or err}") from None
    return len(fitted)
