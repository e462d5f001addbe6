"""`scout match` (one business across marketplaces) and `scout suppress` (businesses never to contact)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from scout.cli.console import confirm, safe_text, stdout_console
from scout.errors import InputError
from scout.identity.rules import MATCH_THRESHOLD, SINGLE, SUPPRESSION_KINDS

app = typer.Typer(help="Businesses never to contact: sellers already on our marketplace, do-not-contact requests."
                       "\n\nExample: scout suppress import our_sellers.csv",
                  no_args_is_help=True, rich_markup_mode=None)


def match(ctx: typer.Context, threshold: Annotated[float, typer.Option(
        "--threshold", min=0.5, max=1.0, help="name similarity (0-1) a link on names alone needs")] = MATCH_THRESHOLD,
          ) -> None:
    """Link storefronts of one business across marketplaces and store the businesses.

    Exact evidence first (same business name and address, website or e-mail domain, VAT number), then similar
    normalised names without conflicting country, business name or address. Re-running keeps business ids.

    Example: scout match
    """
    from rich.table import Table

    from db.engine import session_scope
    from db.migrate import open_current
    from scout.identity.linking import match_businesses

    engine = open_current(ctx.obj.settings.db, write=True)
    started = time.perf_counter()
    with session_scope(engine) as session:
        report = match_businesses(session, threshold=threshold)
    elapsed = time.perf_counter() - started
    table = Table(title=f"scout match ({elapsed:.1f} s)")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (("storefronts matched", report.storefronts), ("businesses", report.businesses),
                         ("  with several storefronts", report.multi_storefront), ("  new", report.created),
                         ("  updated", report.updated), ("  unchanged", report.unchanged),
                         ("businesses removed (no storefront left)", report.removed),
                         ("storefronts left as decided by hand", report.pinned)):
        table.add_row(label, f"{value:,}")
    for kind, count in sorted(report.evidence.items(), key=lambda item: (-item[1], item[0])):
        table.add_row("businesses of a single storefront" if kind == SINGLE else f"businesses linked by {kind}",
                      f"{count:,}")
    stdout_console().print(table)


@app.command("import")
def import_cmd(ctx: typer.Context, file: Annotated[Path, typer.Argument(
        help="CSV with a name column; optional domain, seller_id, marketplace, reason", show_default=False)],
               kind: Annotated[str, typer.Option("--kind", help=f"one of: {', '.join(SUPPRESSION_KINDS)}")
                               ] = "existing_seller",
               ) -> None:
    """Import sellers already on our marketplace from a CSV (UTF-8, header row with a `name` column).

    Importing the same file again adds nothing.

    Example: scout suppress import our_sellers.csv
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from scout.identity.suppression import import_suppressions

    engine = open_current(ctx.obj.settings.db, write=True)
    with session_scope(engine) as session:
        result = import_suppressions(session, file, kind=kind)
    typer.echo(f"{file.name}: {result.added:,} added, {result.duplicates:,} already on the list"
               + (f", {result.blank:,} rows without a name skipped" if result.blank else ""))


@app.command("add")
def add_cmd(ctx: typer.Context, name: Annotated[str, typer.Argument(help="business or store name")],
            reason: Annotated[str, typer.Option("--reason", help="why (kept with the entry)")],
            domain: Annotated[str | None, typer.Option("--domain", help="its website or e-mail domain")] = None,
            seller_id: Annotated[str | None, typer.Option("--seller-id", help="its id on a marketplace")] = None,
            marketplace: Annotated[str | None, typer.Option("--marketplace", help="where --seller-id is")] = None,
            yes: Annotated[bool, typer.Option("--yes", "-y", help="add it even if it catches several businesses, or "
                                              "one by a similar name only")] = False,
            ) -> None:
    """Never contact this business (do-not-contact).

    Shows the businesses the entry would catch first. When it catches more than one, or one by a similar (not
    identical) name only, it asks before adding (--yes to add without asking).

    Example: scout suppress add "Anker Direct" --reason "asked us to stop" --domain anker.com
    """
    from db.engine import connection_scope, session_scope
    from db.migrate import open_current
    from scout.identity.suppressed import Entry, preview_entry
    from scout.identity.suppression import add_suppression, new_entry

    if not reason.strip():
        raise InputError("--reason is empty: say why this business must not be contacted")
    checked = new_entry(name, reason=reason, kind="do_not_contact", domain=domain, seller_id=seller_id,
                        marketplace=marketplace)
    engine = open_current(ctx.obj.settings.db, write=True)
    with connection_scope(engine) as conn:
        catch = preview_entry(conn, Entry(0, checked.name, checked.kind, checked.reason, checked.domain,
                                          checked.marketplace, checked.seller_id, checked.source,
                                          checked.normalized_name))
    console = stdout_console()
    similar = {facts.key for facts in catch.by_name_only}
    for facts in catch.businesses:
        how = "similar name" if facts.key in similar else "same name, id or domain"
        console.print(safe_text(f"  catches {facts.name} ({facts.key}, {how})"))
    if not catch.businesses:
        console.print("  catches no business Scout knows yet (it will catch them when they appear)")
    if (len(catch.businesses) > 1 or similar) and not yes:
        confirm(f"Add {checked.name!r}, which catches {len(catch.businesses)} business(es), "
                f"{len(similar)} by a similar name only?")
    with session_scope(engine) as session:
        entry = add_suppression(session, name, reason=reason, domain=domain, seller_id=seller_id,
                                marketplace=marketplace)
    if entry is None:
        console.print(safe_text(f"{name.strip()} is already on the do-not-contact list"))
    else:
        console.print(safe_text(f"added {entry.name} (do_not_contact, #{entry.id})"))


@app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """Show the suppression list and the businesses each entry catches.

    Example: scout suppress list
    """
    from rich.table import Table

    from db.engine import connection_scope
    from db.migrate import open_current
    from scout.identity.suppressed import list_catches

    engine = open_current(ctx.obj.settings.db, write=False)
    with connection_scope(engine) as conn:
        matches = list_catches(conn)
    table = Table(title=f"suppression list ({len(matches):,} entries)")
    for column in ("#", "name", "kind", "reason", "domain or seller id", "source", "catches"):
        table.add_column(column, justify="right" if column == "#" else "left")
    for match in matches:
        e = match.entry
        seller = f"{e.marketplace}:{e.seller_id}" if e.marketplace and e.seller_id else e.seller_id
        names = [facts.name for facts in match.businesses]
        caught = (f"{len(names):,} business(es), {match.storefronts:,} storefront(s)"
                  + (": " + "; ".join(names[:3]) if names else "") + (f"; +{len(names) - 3} more"
                                                                      if len(names) > 3 else ""))
        table.add_row(str(e.id), safe_text(e.name), e.kind, safe_text(e.reason or ""),
                      safe_text(" ".join(v for v in (e.domain, seller) if v)), safe_text(e.source or ""),
                      safe_text(caught))
    stdout_console().print(table)
