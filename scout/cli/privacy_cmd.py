"""`scout forget`: a data-subject request, carried out everywhere Scout keeps data about a business."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from scout.cli.console import confirm, safe_text, stdout_console

if TYPE_CHECKING:
    from scout.privacy.forget import ForgetReport


def forget_cmd(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="BUSINESS_OR_SELLER",
                                          help="business id, marketplace:seller_id, or name")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Erase a business (or a lone storefront) and everything about it, keeping only a do-not-contact entry.

    Deletes its storefronts, snapshots, offers, scores and outreach records and the archived pages only about
    it; every other archived page, ranking title, URL or note that names it keeps its text with the business's
    names, ids, VAT id and address replaced by [erased]. The drafts, exports and database backups Scout wrote on
    this machine are searched too (drafts about it deleted, rows about it removed from CSV and XLSX files, backups
    erased like the database). Its storefronts' ids are kept hashed on a do-not-collect list, so later crawls and
    ingests do not store them again.

    Example: scout forget amazon:A1EXAMPLE --yes
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from scout.outputs import recorded_outputs, state_folder
    from scout.privacy.forget import find_forget_target, forget

    settings = ctx.obj.settings
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        found = find_forget_target(session, target)
        if not yes:
            confirm(f"Erase {found.label} and everything about it?")
        report = forget(session, found, outputs=recorded_outputs(state_folder(settings.state_dir)))
    _print_report(report)


def _print_report(report: ForgetReport) -> None:
    from rich import box
    from rich.table import Table

    db = report.database
    table = Table(title=safe_text(f"forgot {report.name}"), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("where")
    table.add_column("what", justify="right")
    for name, n in sorted(db.rows_deleted.items()):
        table.add_row(f"table {name}", f"{n:,} row(s) deleted")
    for name, n in sorted(db.rows_unlinked.items()):
        table.add_row(f"table {name}", f"{n:,} row(s) unlinked")
    for name, n in sorted(db.rows_redacted.items()):
        table.add_row(f"column {name}", f"{n:,} row(s) redacted")
    table.add_row("archived pages", f"{db.pages_deleted:,} deleted, {db.pages_redacted:,} redacted")
    table.add_row("suppression list", f"{report.suppressions_replaced:,} entry(ies) replaced by one")
    table.add_row("do-not-collect list", f"{report.do_not_collect:,} storefront id(s), hashed")
    for label, paths in (("file deleted", report.files_deleted), ("file rewritten", report.files_rewritten),
                         ("backup erased", report.backups_cleaned), ("not cleaned", report.skipped)):
        for path in paths:
            table.add_row(label, safe_text(path))
    console = stdout_console()
    console.print(table)
    console.print("kept one do-not-contact entry holding a hash of its name, and its storefronts' ids hashed on "
                  "the do-not-collect list")
