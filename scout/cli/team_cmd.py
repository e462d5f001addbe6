"""`scout outreach assign|history|undo|import`: the team's commands over the offer pipeline. They join the
`scout outreach` group (scout.cli.outreach_cmd registers them)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from scout.cli.console import safe_text, stdout_console

BY_HELP = "who makes the change, for the offer history (default: your login name)"


def who(by: str | None) -> str:
    """The name a change is recorded under: --by, else the login name."""
    if by is not None and by.strip():
        return " ".join(by.split())
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        return "unknown"


def assign_cmd(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="business id, marketplace:seller_id, or name")],
    owner: Annotated[str | None, typer.Option("--owner", help="the team member who works this lead")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="take the lead away from its owner")] = False,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
) -> None:
    """Give a business's lead an owner, who then sees it in `scout pipeline --owner` and the dashboard.

    Example: scout outreach assign amazon:A1EXAMPLE --owner ana
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.errors import InputError
    from scout.identity.lookup import resolve_business
    from scout.outreach.assignment import assign_business, check_owner

    if (owner is None) == (not clear):
        raise InputError("give --owner NAME, or --clear to take the lead away from its owner")
    wanted = None if clear else check_owner(owner or "")
    settings = ctx.obj.settings
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        result = assign_business(session, resolve_business(session, business), wanted, settings=settings.outreach,
                                 now=utcnow(), by=who(by))
    label = f"business:{result.business_id} {result.name}"
    if not result.changed:
        stdout_console().print(safe_text(f"{label} is already owned by {result.after or 'nobody'}"))
    else:
        stdout_console().print(safe_text(f"{label}: owner {result.before or '-'} -> {result.after or '-'}"))


def history_cmd(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="business id, marketplace:seller_id, or name")],
) -> None:
    """List every change to a business's offer: when, who, from what to what, and the note.

    Example: scout outreach history amazon:A1EXAMPLE
    """
    from rich import box
    from rich.table import Table

    from db.engine import session_scope
    from db.migrate import open_current
    from scout.identity.lookup import business_label, resolve_business
    from scout.outreach.history import load_history

    engine = open_current(ctx.obj.settings.db, write=False)
    with session_scope(engine) as session:
        found = resolve_business(session, business)
        label = business_label(found)
        entries = load_history(session, found.id or 0)
    console = stdout_console()
    if not entries:
        console.print(safe_text(f"{label}: no changes recorded yet"))
        return
    table = Table(title=safe_text(f"History of {label}"), title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("#", "when (UTC)", "who", "action", "change", "note"):
        table.add_column(column, overflow="fold", no_wrap=column in ("#", "when (UTC)"),
                         justify="right" if column == "#" else "left")
    for entry in entries:
        action = entry.action + (f" (undone by #{entry.undone_by})" if entry.undone_by else "")
        table.add_row(str(entry.id), f"{entry.at:%Y-%m-%d %H:%M}", safe_text(entry.by),
                      safe_text(action, style="dim" if entry.undone_by else None), safe_text(entry.describe()),
                      safe_text(entry.note or "-"))
    console.print(table)


def undo_cmd(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="business id, marketplace:seller_id, or name")],
    confirm: Annotated[bool, typer.Option("--confirm", help="needed to undo an opt-out: the business becomes "
                                                            "contactable again")] = False,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
) -> None:
    """Revert the last change to a business's offer, with the suppression entries an onboarded or opted-out mark
    added; the history keeps both the change and its undo.

    Example: scout outreach undo amazon:A1EXAMPLE
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.identity.lookup import resolve_business
    from scout.outreach.history import undo_last

    engine = open_current(ctx.obj.settings.db, write=True)
    with session_scope(engine) as session:
        result = undo_last(session, resolve_business(session, business), by=who(by), now=utcnow(), confirm=confirm)
    console = stdout_console()
    undone = result.undone
    console.print(safe_text(f"business:{result.business_id} {result.name}: undid #{undone.id} ({undone.action} by "
                            f"{undone.by}, {undone.at:%Y-%m-%d %H:%M} UTC: {undone.describe()}); back to "
                            f"{undone.from_status}"))
    if result.suppressions_removed:
        console.print(f"removed {result.suppressions_removed} suppression entry(ies) it had added")
    if result.record_removed:
        console.print("the business has no offer record again")
    if result.draft_left:
        console.print(safe_text(f"its follow-up draft stays at {result.draft_left}: delete it if it was not sent"))


def import_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE.csv", help="CSV with business or offer_code, status, and "
                                                                   "optional note and date columns")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print what would change and write nothing")] = False,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
) -> None:
    """Mark many offers from a CSV file at once: every row, or none when any row is wrong.

    Each row is applied as `scout outreach mark` would apply it; the date column is the next step.

    Example: scout outreach import marks.csv --dry-run
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outreach.bulk import import_marks

    engine = open_current(ctx.obj.settings.db, write=True)
    with session_scope(engine) as session:
        report = import_marks(session, path, now=utcnow(), by=who(by), dry_run=dry_run)
    console = stdout_console()
    for line, result in report.rows:
        change = f"{result.before} -> {result.after}" if result.changed else f"{result.after} (unchanged)"
        extra = [f"note: {result.note}"] if result.note else []
        if result.next_changed:
            extra.append(f"next step {result.next_step_on.isoformat() if result.next_step_on else 'none'}")
        if result.suppressions_added:
            extra.append(f"{result.suppressions_added} suppression entry(ies)")
        console.print(safe_text(f"line {line}: business:{result.business_id} {result.name}: {change}"
                                + (f" ({'; '.join(extra)})" if extra else "")))
    verb = "would change" if report.dry_run else "changed"
    console.print(f"{report.changed} of {len(report.rows)} row(s) {verb} an offer"
                  + (" (dry run: nothing written)" if report.dry_run else ""))
