"""`scout score`, `scout explain` and `scout leads`: explainable scores and the ranked list of businesses."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scout.cli.console import safe_text, stdout_console
from scout.money import money_range
from scout.sanitize import dumps_json
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from scout.scoring.explain import Explanation
    from scout.scoring.leads import Lead
    from scout.settings import Settings


def score(ctx: typer.Context) -> None:
    """Recompute every seller's and business's score from the database and store them for `scout leads`.

    Example: scout score && scout leads --top 20
    """
    from rich.table import Table

    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow  # the ORM models: `scout leads` does without them
    from scout.scoring.stored import score_database

    settings = ctx.obj.settings
    settings.scoring.check()
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        summary = score_database(session, settings.scoring, utcnow())
    table = Table(title="Scores", title_justify="left")
    for column in ("marketplace", "storefronts", "insufficient data", "best score"):
        table.add_column(column, justify="left" if column == "marketplace" else "right")
    for marketplace, (n, insufficient, best) in summary.by_marketplace.items():
        table.add_row(marketplace, f"{n:,}", f"{insufficient:,}", f"{best:.1f}")
    console = stdout_console()
    console.print(table)
    console.print(f"{summary.storefronts:,} storefronts scored ({summary.insufficient:,} with insufficient data), "
                  f"{summary.businesses:,} businesses; money in {summary.currency}")


def explain_cmd(ctx: typer.Context, target: Annotated[str, typer.Argument(
        metavar="BUSINESS_OR_SELLER", help="business:<id>, seller:<pk>, marketplace:seller_id, or a name")],
        ) -> None:
    """Show how a business's or storefront's score was made: each component's value and weight, and the
    assumptions behind its revenue range.

    Example: scout explain amazon:A1EXAMPLE
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from scout.scoring.explain import explain

    settings = ctx.obj.settings
    warning = refresh_scores(settings)
    engine = open_current(settings.db, write=False)
    with session_scope(engine) as session:
        result = explain(session, target, settings.scoring)
    _print_explanation(result)
    if warning:
        stdout_console().print(warning, style="yellow", markup=False)


def refresh_scores(settings: Settings) -> str | None:
    """Rescore when the data changed after the last `scout score` and that is cheap; else the warning to show."""
    from db.engine import connection_scope, session_scope
    from db.migrate import open_current
    from scout.scoring.freshness import score_freshness

    engine = open_current(settings.db, write=False)
    with connection_scope(engine) as conn:
        state = score_freshness(conn)
    engine.dispose()
    if not state.stale:
        return None
    if state.storefronts > settings.scoring.auto_rescore_max:
        return state.warning()
    from db.models import utcnow
    from scout.scoring.stored import score_database

    writer = open_current(settings.db, write=True)
    with session_scope(writer) as session:
        summary = score_database(session, settings.scoring, utcnow())
    writer.dispose()
    typer.echo(f"the data changed after the last `scout score`: rescored {summary.storefronts:,} storefronts",
               err=True)
    return None


def _print_explanation(result: Explanation) -> None:
    from rich.table import Table

    console = stdout_console()
    verdict = f"insufficient data ({result.reason})" if result.insufficient else f"score {result.score:.1f} / 100"
    console.print(safe_text(f"{result.name} [{result.kind} {result.key}]: {verdict}", style="bold"))
    console.print(safe_text(f"Scored as {result.combination}; computed {result.computed_at:%Y-%m-%d %H:%M} UTC."))
    if result.stale:
        console.print("The [scoring] weights changed since then: run `scout score` again.", style="yellow",
                      markup=False)
    table = Table(title="Components (each 0-1; score = 100 x sum(weight x value) / sum(weights))",
                  title_justify="left")
    for column in ("component", "value", "weight", "points", "what it rests on"):
        table.add_column(column, justify="right" if column in ("value", "weight", "points") else "left")
    for line in result.components:
        table.add_row(line.name, f"{line.value:.3f}", f"{line.weight:g}", f"{line.points:.1f}",
                      safe_text(line.detail))
    console.print(table)
    if len(result.storefronts) > 1 or result.kind == "storefront":
        console.print("Storefronts of this business:")
        for marketplace, label, value, insufficient in result.storefronts:
            shown = "insufficient data" if insufficient else f"{value:.1f}"
            console.print(safe_text(f"  {label} ({marketplace}): {shown}"))
    console.print("Revenue estimate:")
    for text in result.revenue:
        console.print(safe_text(f"  {text}"))



def _lead_json(lead: Lead) -> dict[str, Any]:
    data = asdict(lead)
    for name in ("revenue_low", "revenue_high", "currency", "revenue_exact", "revenue_period", "revenue_basis",
                 "gmv_month_low", "gmv_month_high", "gmv_basis", "rate_date", "storefront_gmv"):
        del data[name]
    data["marketplaces"] = list(lead.marketplaces)
    data["categories"] = [key for key in (lead.categories or "").split(",") if key]
    data["last_seen"] = lead.last_seen.isoformat()
    data["revenue"] = None if lead.revenue_low is None else {
        "low": lead.revenue_low, "high": lead.revenue_high, "currency": lead.currency, "period": lead.revenue_period,
        "exact": lead.revenue_exact, "basis": lead.revenue_basis, "rates_of": lead.rate_date}
    data["gmv"] = None if lead.gmv_month_low is None else {
        "low": lead.gmv_month_low, "high": lead.gmv_month_high, "currency": lead.currency, "period": "per month",
        "basis": lead.gmv_basis, "rates_of": lead.rate_date}
    data["storefronts_gmv_per_month"] = lead.storefront_gmv
    return data


def leads(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", "-n", help="how many businesses")] = 50,
    marketplace: Annotated[str | None, typer.Option(
        "--marketplace", "-m", help=f"only businesses selling on one of: {', '.join(MARKETPLACES)}")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="only businesses in this category: a "
                                                 "name (any language, case-insensitive) or a code such as "
                                                 "kitchen")] = None,
    marketplace_top: Annotated[int | None, typer.Option(
        "--marketplace-top", help="only businesses with a storefront among the N largest (monthly GMV) of its "
                                  "marketplace, or of --marketplace")] = None,
    country: Annotated[str | None, typer.Option("--country", help="only businesses in this country (ISO code)")
                       ] = None,
    min_score: Annotated[float | None, typer.Option("--min-score", help="only scores of at least this (0-100)")
                         ] = None,
    include_suppressed: Annotated[bool, typer.Option(
        "--include-suppressed", help="also list suppressed businesses, marked")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the leads as one JSON array")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="also write the leads to this CSV file")] = None,
    xlsx_path: Annotated[Path | None, typer.Option("--xlsx", help="also write the leads to this XLSX file "
                                                   "(needs scout[xlsx])")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="write the CSV with a UTF-8 BOM so Excel opens it right")
               ] = False,
    assign_to: Annotated[str | None, typer.Option("--assign-to", help="give the listed leads nobody owns yet to "
                                                  "this team member")] = None,
    owners: Annotated[str | None, typer.Option("--owners", help="share the listed leads nobody owns yet "
                                               "round-robin: --owners ana,ben,chris")] = None,
    crm: Annotated[tuple[str, Path] | None, typer.Option(
        "--crm", metavar="CRM FILE.csv", help="also write the leads in a CRM's import columns: hubspot, "
        "salesforce or pipedrive (suppressed leads never)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="who assigns, for the offer history (default: your login "
                                           "name)")] = None,
) -> None:
    """List the best businesses to approach, one row per business, from the scores of `scout score`.

    Suppressed businesses are left out unless --include-suppressed; businesses with too little data come last.
    Money is in the reporting currency ([scoring] currency), labelled lifetime or per month with its basis.
    --assign-to or --owners give the listed leads nobody owns yet an owner.

    Example: scout leads --top 50 --marketplace etsy --country DE --csv leads.csv --bom
    """
    from db.engine import connection_scope
    from db.migrate import open_current
    from scout.outputs import record_output, state_folder
    from scout.scoring.export import export_csv, export_xlsx
    from scout.scoring.leads import check_lead_filters, select_leads

    check_lead_filters(top, marketplace, country, min_score, marketplace_top)
    owner_names = _owner_names(assign_to, owners) if assign_to is not None or owners is not None else None
    crm_name = _crm_name(crm[0]) if crm is not None else None
    warning = refresh_scores(ctx.obj.settings)
    filters: dict[str, Any] = dict(top=top, marketplace=marketplace, category=category, country=country,
                                   min_score=min_score, include_suppressed=include_suppressed,
                                   marketplace_top=marketplace_top)
    if owner_names is not None:
        found = _assign_leads(ctx, owner_names, by, **filters)
    else:
        engine = open_current(ctx.obj.settings.db, write=False)
        with connection_scope(engine) as conn:
            found = select_leads(conn, **filters)
    if warning:
        typer.echo(warning, err=True)
    state = state_folder(ctx.obj.settings.state_dir)
    if crm is not None and crm_name is not None:
        _export_crm(ctx, found, crm_name, crm[1], bom=bom)
        record_output(state, crm[1], "export")
    if csv_path is not None:
        export_csv(found, csv_path, bom=bom)
        record_output(state, csv_path, "export")
    if xlsx_path is not None:
        export_xlsx(found, xlsx_path)
        record_output(state, xlsx_path, "export")
    if as_json:
        typer.echo(dumps_json([_lead_json(lead) for lead in found]))
        return
    console = stdout_console()
    console.print(_leads_table(found, console.width))
    for path in (csv_path, xlsx_path):
        if path is not None:
            console.print(safe_text(f"wrote {len(found)} leads to {path}"))


def _owner_names(assign_to: str | None, owners: str | None) -> list[str]:
    """The owners --assign-to or --owners name, checked."""
    from scout.errors import InputError
    from scout.outreach.assignment import check_owner, parse_owners

    if (assign_to is None) == (owners is None):
        raise InputError("give either --assign-to NAME or --owners a,b,c, not both")
    return [check_owner(assign_to)] if assign_to is not None else parse_owners(owners or "")


def _crm_name(name: str) -> str:
    """The CRM's name, checked; imported only when asked: scout.outreach.crm needs the ORM, `leads` does not."""
    from scout.outreach.crm import check_crm

    return check_crm(name)


def _assign_leads(ctx: typer.Context, names: list[str], by: str | None, **filters: Any) -> list[Lead]:
    """The leads, after giving those nobody owns an owner (round-robin over the names)."""
    from dataclasses import replace

    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.cli.team_cmd import who
    from scout.outreach.assignment import assign_leads
    from scout.scoring.leads import select_leads

    settings = ctx.obj.settings
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        found = select_leads(session, **filters)
        report = assign_leads(session, found, names, settings=settings.outreach, now=utcnow(), by=who(by))
    given = report.owners()
    console = stdout_console()
    console.print(safe_text(f"assigned {len(report.assigned)} lead(s): " + (", ".join(
        f"{name} {sum(1 for o in given.values() if o == name)}" for name in names))))
    for name, why in report.skipped:
        console.print(safe_text(f"not assigned {name}: {why}", style="dim"))
    return [replace(lead, owner=given[lead.business_id]) if lead.business_id in given else lead for lead in found]


def _export_crm(ctx: typer.Context, found: list[Lead], name: str, path: Path, *, bom: bool) -> None:
    """Write the leads as a CRM's import file."""
    from db.engine import session_scope
    from db.migrate import open_current
    from scout.outreach.crm import export_crm

    engine = open_current(ctx.obj.settings.db, write=False)
    with session_scope(engine) as session:
        written = export_crm(session, found, name, path, bom=bom)
    left = len(found) - written
    stdout_console().print(safe_text(f"wrote {written} lead(s) to {path} for {name} import"
                                     + (f" ({left} suppressed left out)" if left else "")))


WIDE_COLUMNS = ("marketplaces", "pos. %", "cc")  # shown from 120 columns on
WIDEST_COLUMNS = ("mp rank", "revenue, lifetime", "basis")  # from 160 columns on


def _status_cell(lead: Lead) -> Text:
    """The pipeline status, with the lead's owner under it."""
    cell = safe_text(lead.status)
    if lead.owner:
        cell.append("\n")
        cell.append_text(safe_text(lead.owner, style="dim"))
    return cell


def _leads_table(found: list[Lead], width: int = 160) -> Table:
    from rich import box
    from rich.table import Table

    currency = next((lead.currency for lead in found if lead.currency), None)
    gmv_header = f"GMV/month {currency}" if currency else "GMV/month"
    table = Table(title=f"Top {len(found)} leads", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    columns = [c for c in ("#", "business", "marketplaces", "score", "pos. %", "ratings", "mp rank", gmv_header,
                           "revenue, lifetime", "basis", "growth", "cc", "status")
               if (width >= 120 or c not in WIDE_COLUMNS) and (width >= 160 or c not in WIDEST_COLUMNS)]
    status_width = min(16, max([6] + [len(lead.status) for lead in found] + [len(lead.owner or "") for lead in found]))
    for column in columns:
        wraps = column in ("business", "marketplaces")
        table.add_column(column, justify="left" if wraps or column == "cc" else "right", no_wrap=not wraps,
                         overflow="fold" if wraps else "ellipsis",
                         max_width=32 if column == "business" else None,
                         min_width={"business": 18, "marketplaces": 6, "status": status_width}.get(column))
    for lead in found:
        name = lead.name + (" (suppressed)" if lead.suppressed else "")
        lifetime = money_range(lead.revenue_low, lead.revenue_high, None)
        if lead.revenue_low is not None and lead.revenue_period not in (None, "lifetime"):
            lifetime += f" ({lead.revenue_period})"
        cells: dict[str, str | Text] = {
            "#": str(lead.rank), "business": safe_text(name, style="dim" if lead.suppressed else None),
            "marketplaces": safe_text(", ".join(lead.marketplaces)),
            "score": "low data" if lead.insufficient else f"{lead.score:.1f}",
            "pos. %": "-" if lead.positive_pct is None else f"{lead.positive_pct:.1f}",
            "ratings": "-" if lead.rating_count is None else f"{lead.rating_count:,}",
            "mp rank": "-" if lead.marketplace_rank is None else f"#{lead.marketplace_rank:,}",
            gmv_header: safe_text(money_range(lead.gmv_month_low, lead.gmv_month_high, None)),
            "revenue, lifetime": safe_text(lifetime),
            "basis": safe_text(short_basis(lead.gmv_basis)),
            "growth": "-" if lead.growth_pct_30d is None else f"{lead.growth_pct_30d:+.1f}%",
            "cc": safe_text(lead.country or "-"),
            "status": _status_cell(lead)}
        table.add_row(*(cells[c] for c in columns))
    notes = []
    if currency:
        rates = next((lead.rate_date for lead in found if lead.rate_date), None)
        notes.append(f"money in {currency}, each storefront converted at the reference rates of {rates or '-'}; "
                     "basis of the monthly GMV: see scout explain")
    if any(lead.insufficient for lead in found):
        notes.append("low data: too few ratings or sales to score (see scout explain)")
    table.caption = "\n".join(notes) or None
    return table


def short_basis(basis: str | None) -> str:
    """A monthly-GMV basis as a short tag for a narrow column ("exact sales 60d", "ratings ÷ rate ÷ age")."""
    if not basis:
        return "-"
    head = basis.split("; ")[0]
    word = next((w for w in ("feedback", "reviews", "ratings") if w in head), "ratings")
    if head.startswith("exact sales of the last"):
        return f"exact sales {head.split()[5]}d"
    if head.startswith("exact sales gained"):
        return "exact sales growth"
    if head.startswith("exact lifetime sales"):
        return "exact sales ÷ age"
    if " gained over " in head:
        return f"{word} growth ÷ rate"
    if " of the last " in head:
        return f"{head.split(' of the last ')[1].split()[0]}-day {word} ÷ rate"
    return f"{word} ÷ rate ÷ age"
