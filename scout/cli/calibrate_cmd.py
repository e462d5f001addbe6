"""`scout calibrate`: fit each marketplace's feedback rate from storefronts that show sales and ratings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from scout.cli.console import stdout_console


def calibrate(
    ctx: typer.Context,
    apply: Annotated[bool, typer.Option("--apply", help="write the fitted ranges to scout.toml "
                                                        "([scoring.feedback_rates])")] = False,
    min_sellers: Annotated[int, typer.Option("--min-sellers", help="storefronts a marketplace needs to be fitted")
                           ] = 3,
    config_file: Annotated[Path | None, typer.Option("--file", help="the scout.toml to write [default: $SCOUT_CONFIG "
                                                                    "or ./scout.toml]")] = None,
) -> None:
    """Fit each marketplace's feedback rate range (ratings per order) from storefronts showing both a sales count
    and a rating count, and print it with the number of storefronts behind it.

    Example: scout calibrate --apply
    """
    from rich.table import Table

    from db.engine import connection_scope
    from db.migrate import open_current
    from scout.scoring.calibrate import apply_fits, fit_feedback_rates

    settings = ctx.obj.settings
    engine = open_current(settings.db, write=False)
    with connection_scope(engine) as conn:
        fits = fit_feedback_rates(conn, settings.scoring, min_sellers)
    table = Table(title="Feedback rates: ratings per order", title_justify="left")
    for column in ("marketplace", "storefronts", "median", "fitted range (p10-p90)", "in use"):
        table.add_column(column, justify="left" if column == "marketplace" else "right")
    for fit in fits:
        fitted = "too few" if fit.low is None else f"{fit.low:.1%}-{fit.high or 0:.1%}"
        table.add_row(fit.marketplace, f"{fit.sellers:,}", "-" if fit.median is None else f"{fit.median:.1%}",
                      fitted, f"{fit.current[0]:.1%}-{fit.current[1]:.1%}")
    console = stdout_console()
    console.print(table)
    if not fits:
        console.print("no storefront shows both a sales count and a lifetime rating count yet")
    if apply:
        path = config_file or Path(os.environ.get("SCOUT_CONFIG") or "scout.toml")
        written = apply_fits(fits, path)
        console.print(f"wrote {written} feedback rate range(s) to {path}; run `scout score` to use them")
