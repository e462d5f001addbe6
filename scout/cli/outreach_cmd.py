"""`scout outreach draft|mark`, `scout pipeline` and `scout forget`: onboarding offers and where they stand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scout.cli.console import safe_text, stdout_console
from scout.outreach.formats import FORMATS
from scout.outreach.locale import LANGUAGES
from scout.outreach.statuses import STATUSES, check_status

if TYPE_CHECKING:
    from scout.outreach.run import DraftReport

app = typer.Typer(help="Onboarding offers: draft them for the top leads, record where each one stands.\n\n"
                       "Example: scout outreach draft --top 50 --out drafts/",
                  no_args_is_help=True, rich_markup_mode=None)


@app.command("draft")
def draft_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="folder to write the drafts to (created if needed)")],
    top: Annotated[int, typer.Option("--top", "-n", help="draft for the best N leads (as `scout leads --top N`)")
                   ] = 50,
    lang: Annotated[str, typer.Option("--lang", help=f"auto (from the marketplace site) or one of: "
                                                     f"{', '.join(LANGUAGES)}")] = "auto",
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"one of: {', '.join(FORMATS)}")] = "md",
    include_suppressed: Annotated[bool, typer.Option(
        "--include-suppressed", help="also draft for suppressed businesses, marked DO NOT SEND")] = False,
    include_low_data: Annotated[bool, typer.Option(
        "--include-low-data", help="also draft for businesses marked low data (too few ratings or sales)")] = False,
) -> None:
    """Write one personalised offer draft per business (first months free, then the standard commission).

    Nothing is sent. Re-running keeps each business's offer code and refreshes drafts not yet sent.

    Example: scout outreach draft --top 50 --format eml --out drafts/
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outputs import record_output, state_folder
    from scout.outreach.run import draft_offers

    settings = ctx.obj.settings
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        report = draft_offers(session, settings.outreach, out_dir=out, now=utcnow(), top=top, language=lang,
                              fmt=fmt, include_suppressed=include_suppressed, include_low_data=include_low_data)
    record_output(state_folder(settings.state_dir), out, "drafts")
    _print_drafts(report, out)


def _print_drafts(report: DraftReport, out: Path) -> None:
    from rich import box
    from rich.table import Table

    console = stdout_console()
    table = Table(title=f"{len(report.drafted)} draft(s) in {out}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("business", "lang", "offer code", "expires", "EU notice", "review"):
        table.add_column(column, overflow="fold", no_wrap=column not in ("business", "review"),
                         min_width=16 if column == "business" else None)
    for outcome in report.drafted:
        draft = outcome.draft
        flags = list(draft.review) + ([f"SUPPRESSED: {draft.suppressed}"] if draft.suppressed else [])
        table.add_row(safe_text(f"{draft.business_id} {draft.business_name}"), draft.language, draft.offer.code,
                      draft.offer.expires_on.isoformat(), "yes" if draft.eu_notice else "no",
                      safe_text("; ".join(flags) or "-", style="yellow" if flags else None))
    console.print(table)
    refreshed = sum(1 for o in report.drafted if o.refreshed)
    if refreshed:
        console.print(f"{refreshed} existing offer(s) kept their code; their drafts were refreshed.")
    for name, why in report.skipped:
        console.print(safe_text(f"skipped {name}: {why}", style="dim"))


@app.command("mark")
def mark_cmd(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="business id, marketplace:seller_id, or name")],
    status: Annotated[str, typer.Argument(help=f"one of: {', '.join(STATUSES)}")],
) -> None:
    """Record where a business's offer stands; opted-out and onboarded also go on the suppression list.

    Example: scout outreach mark amazon:A1EXAMPLE sent
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outreach.pipeline import mark_offer

    check_status(status)  # before opening the database: a typo is the commonest mistake
    engine = open_current(ctx.obj.settings.db, write=True)
    with session_scope(engine) as session:
        result = mark_offer(session, business, status, now=utcnow())
    console = stdout_console()
    if not result.changed:
        console.print(safe_text(f"business:{result.business_id} {result.name} is already {result.after}"))
    else:
        console.print(safe_text(f"business:{result.business_id} {result.name}: {result.before} -> {result.after}"))
    if result.suppressions_added:
        kind = "do-not-contact" if result.after == "opted-out" else "suppression"
        console.print(f"added {result.suppressions_added} {kind} entry(ies)")


def pipeline(ctx: typer.Context) -> None:
    """Show how many offers are in each status and list the active ones (drafted, sent, replied).

    Example: scout pipeline
    """
    from rich import box
    from rich.table import Table

    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outreach.pipeline import pipeline_view

    engine = open_current(ctx.obj.settings.db, write=False)
    now = utcnow()
    with session_scope(engine) as session:
        view = pipeline_view(session, today=now.date())
    console = stdout_console()
    counts = Table(title="Offers by status", title_justify="left", box=box.SIMPLE_HEAD)
    for status in STATUSES:
        counts.add_column(status, justify="right")
    counts.add_row(*(f"{view.counts[s]:,}" for s in STATUSES))
    console.print(counts)
    active = Table(title=f"{len(view.active)} active offer(s)", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("business", "status", "offer code", "lang", "expires", "last change"):
        active.add_column(column, overflow="fold", no_wrap=column != "business", min_width=16 if column == "business"
                          else None)
    for offer in view.active:
        expires = "-" if offer.expires_on is None else offer.expires_on.isoformat() + (" (expired)" if offer.expired
                                                                                      else "")
        active.add_row(safe_text(f"{offer.business_id} {offer.name}"), offer.status, safe_text(offer.offer_code),
                       offer.language, expires, f"{offer.updated_at:%Y-%m-%d}")
    console.print(active)
