"""`scout parse` and `scout ingest`: read saved pages and API responses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scout.cli.console import safe_text, stdout_console
from scout.errors import USER_ERRORS, InputError
from scout.sanitize import dumps_json
from scrapers.records import KINDS, Offer, ParsedPage, RankingEntry, SellerProfile, record_to_dict
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from rich.table import Table

MarketplaceOpt = Annotated[str | None, typer.Option("--marketplace", "-m", help=f"one of: {', '.join(MARKETPLACES)}"
                                                    " (default: detected from the content)")]
KindOpt = Annotated[str | None, typer.Option("--kind", "-k", help=f"one of: {', '.join(KINDS)} (default: detected)")]
PathsArg = Annotated[list[Path], typer.Argument(help="files, or folders of files", show_default=False)]
MaxBytesOpt = Annotated[int | None, typer.Option("--max-bytes", min=1, help="read files up to this size (default: "
                                                 "[crawler] max_body_bytes, 10 MB, as for fetched pages)")]


UNREADABLE: tuple[type[Exception], ...] = (*USER_ERRORS, OSError)  # a file that cannot be parsed or read


def _check_choice(value: str | None, choices: tuple[str, ...], what: str) -> None:
    if value is not None and value not in choices:
        raise InputError(f"unknown {what} {value!r} (known: {', '.join(choices)})")


def parse(ctx: typer.Context, paths: PathsArg, marketplace: MarketplaceOpt = None, kind: KindOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="one JSON object per file, one per line")] = False,
          max_bytes: MaxBytesOpt = None) -> None:
    """Parse saved pages or API responses and show the records (nothing is stored).

    Marketplace and page kind are detected from the content unless given; gzip-compressed files (.html.gz) are
    read as the pages they hold. A file that cannot be parsed is reported and the others are still parsed; the
    exit code is non-zero if any failed.

    Example: scout parse saved/offers.html --json
    """
    from scout.pages.charset import decode_body
    from scout.pages.ingest import expand_paths, read_saved
    from scrapers.registry import parse_page

    _check_choice(marketplace, MARKETPLACES, "marketplace")
    _check_choice(kind, KINDS, "kind")
    limit = max_bytes or ctx.obj.settings.crawler.max_body_bytes
    console = stdout_console()
    failures = 0
    files = expand_paths(paths)
    for path in files:
        try:
            parsed = parse_page(decode_body(read_saved(path, limit)), marketplace=marketplace, kind=kind)
        except UNREADABLE as err:
            failures += 1
            message = str(err) if not isinstance(err, OSError) else f"cannot read: {err}"
            if as_json:
                typer.echo(dumps_json({"path": str(path), "error": message}))
            else:
                console.print(safe_text(f"{path}: {message}", style="red"))
            continue
        if as_json:
            typer.echo(dumps_json({"path": str(path), "marketplace": parsed.marketplace, "kind": parsed.kind,
                                   "records": [record_to_dict(r) for r in parsed.records]}))
        elif parsed.records:
            console.print(_records_table(path, parsed))
        else:  # e.g. a product page without a featured offer or other sellers
            console.print(safe_text(f"{path.name}: {parsed.marketplace} {parsed.kind}, no records"))
    if failures:
        raise InputError(f"{failures} of {len(files)} file(s) could not be read as a marketplace page (see above)")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


COLUMNS: dict[type, tuple[str, ...]] = {
    Offer: ("seller_id", "name", "positive_pct", "rating_count", "stars", "price", "currency", "is_platform",
            "product_id"),
    RankingEntry: ("rank", "product_id", "title", "stars", "rating_count", "price", "currency"),
    SellerProfile: ("seller_id", "name", "positive_pct", "rating_count", "lifetime_rating_count", "stars",
                    "sales_count", "business_name", "country"),
}


def _records_table(path: Path, parsed: ParsedPage) -> Table:
    from rich.table import Table

    title = f"{path.name}: {parsed.marketplace} {parsed.kind}, {len(parsed.records)} records"
    table = Table(title=safe_text(title), title_justify="left")
    columns = COLUMNS[type(parsed.records[0])] if parsed.records else ()
    columns = tuple(c for c in columns if any(getattr(r, c, None) not in (None, False) for r in parsed.records))
    for column in columns:
        numeric = column in ("positive_pct", "rating_count", "stars", "price", "rank", "lifetime_rating_count",
                             "sales_count")
        wide = column in ("title", "name", "business_name")
        table.add_column(column.replace("_", " "), justify="right" if numeric else "left", no_wrap=wide,
                         overflow="ellipsis", max_width=36 if wide else None)
    for record in parsed.records:
        table.add_row(*(safe_text(_fmt(getattr(record, column))) for column in columns))
    return table


def _parse_as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of {value!r} is not a date (use YYYY-MM-DD or an ISO date-time)") from None
    if len(value) <= 10:
        parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
    when = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if when > datetime.now(UTC) + timedelta(days=1):
        raise InputError(f"--as-of {value!r} is in the future: give the day the pages were saved")
    return when


def ingest(ctx: typer.Context, paths: PathsArg, marketplace: MarketplaceOpt = None, kind: KindOpt = None,
           as_of: Annotated[str | None, typer.Option("--as-of", help="when the pages were saved (YYYY-MM-DD); "
                                                     "default: each file's modification time")] = None,
           max_bytes: MaxBytesOpt = None) -> None:
    """Store saved pages or API responses as snapshots with provenance; ingesting again changes nothing.

    Gzip-compressed files (.html.gz) are stored as the pages they hold.

    Example: scout ingest ~/Downloads/amazon-seller.html --as-of 2026-11-01
    """
    from rich.table import Table

    from db.migrate import open_current
    from scout.pages.ingest import expand_paths, ingest_files

    _check_choice(marketplace, MARKETPLACES, "marketplace")
    _check_choice(kind, KINDS, "kind")
    when = _parse_as_of(as_of)
    files = expand_paths(paths)
    engine = open_current(ctx.obj.settings.db, write=True)
    report = ingest_files(engine, files, as_of=when, marketplace=marketplace, kind=kind,
                          max_bytes=max_bytes or ctx.obj.settings.crawler.max_body_bytes)
    console = stdout_console()
    table = Table(title="Ingested", title_justify="left")
    for column in ("file", "marketplace", "kind", "result", "sellers new", "snapshots", "rankings", "offers"):
        table.add_column(column)
    for path, outcome in report.files:
        result = safe_text(outcome.status if outcome.status == "ok" else f"{outcome.status}: {outcome.error}",
                           style="" if outcome.status == "ok" else "red")
        table.add_row(safe_text(path.name), outcome.marketplace or "?", outcome.kind or "?", result,
                      str(outcome.counts.sellers_new), str(outcome.counts.snapshots), str(outcome.counts.rankings),
                      str(outcome.counts.offers))
    console.print(table)
    t = report.totals
    console.print(f"{len(report.files)} files: {t.sellers_new} new sellers, {t.sellers_updated} updated, "
                  f"{t.snapshots} snapshots, {t.rankings} ranking entries, {t.offers} offers")
    if report.failed:
        raise InputError(f"{len(report.failed)} of {len(report.files)} file(s) stored no figures: blocked pages or "
                         "pages no parser reads (see above)")
