"""`scout outreach draft|follow-up|mark` and `scout pipeline`: onboarding offers and where they
stand (the team's commands, `assign|history|undo|import`, live in scout.cli.team_cmd)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scout.cli import team_cmd
from scout.cli.console import safe_text, stdout_console
from scout.cli.team_cmd import BY_HELP, who
from scout.outreach.formats import FORMATS
from scout.outreach.locale import LANGUAGES
from scout.outreach.statuses import EXPIRED, NO_OFFER, STATUSES, check_status, check_status_filter

if TYPE_CHECKING:
    from scout.outreach.followup import FollowUpReport
    from scout.outreach.pipeline import PipelineView
    from scout.outreach.run import DraftReport

CHANNEL_TAGS = {"email": "e-mail", "letter": "letter", "phone": "phone", "marketplace": "mp message"}

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
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="draft only for this channel: email, letter, "
                                                "phone or marketplace (default: what the channel gate allows)")
                       ] = None,
    override: Annotated[str | None, typer.Option("--override", metavar="REASON", help="use --channel where the gate "
                                                 "refuses it, recording why (e.g. 'consent received 2026-11-30')")
                        ] = None,
) -> None:
    """Write one personalised offer draft per business (first months free, then the standard commission).

    Nothing is sent. Re-running keeps each business's offer code and refreshes drafts not yet sent. Each draft goes
    by the channel the gate of [outreach] email_rules, contact_sources and phone_rules allows (e-mail, postal letter,
    phone script or marketplace message) and names the rule. The sender must be set in scout.toml [outreach].

    Example: scout outreach draft --top 50 --format eml --out drafts/
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outputs import record_output, state_folder
    from scout.outreach.run import draft_offers

    settings = ctx.obj.settings
    settings.outreach.require_sender()
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        report = draft_offers(session, settings.outreach, out_dir=out, now=utcnow(), top=top, language=lang,
                              fmt=fmt, include_suppressed=include_suppressed, include_low_data=include_low_data,
                              by=who(by), channel=channel, override=override)
    record_output(state_folder(settings.state_dir), out, "drafts")
    _print_drafts(report, out)


def _print_drafts(report: DraftReport, out: Path) -> None:
    from rich import box
    from rich.table import Table

    console = stdout_console()
    table = Table(title=f"{len(report.drafted)} draft(s) in {out}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("business", "lang", "offer code", "channel", "EU", "review"):
        table.add_column(column, overflow="fold", no_wrap=column not in ("business", "review"),
                         min_width=16 if column == "business" else None)
    for outcome in report.drafted:
        draft = outcome.draft
        flags = list(draft.review) + ([f"SUPPRESSED: {draft.suppressed}"] if draft.suppressed else [])
        table.add_row(safe_text(f"{draft.business_id} {draft.business_name}"), draft.language, draft.offer.code,
                      CHANNEL_TAGS.get(draft.channel.channel, "-") if draft.channel else "-",
                      "yes" if draft.eu_notice else "no",
                      safe_text("; ".join(flags) or "-", style="yellow" if flags else None))
    console.print(table)
    rules = sorted({o.draft.channel.rule for o in report.drafted if o.draft.channel})
    if rules:
        console.print("channel rules applied (each draft's notes name its own):")
        for rule in rules:
            console.print(safe_text(f"  {rule}", style="dim"))
    refreshed = sum(1 for o in report.drafted if o.refreshed)
    if refreshed:
        console.print(f"{refreshed} existing offer(s) kept their code; their drafts were refreshed.")
    for name, why in report.skipped:
        console.print(safe_text(f"skipped {name}: {why}", style="dim"))


@app.command("follow-up")
def follow_up_cmd(
    ctx: typer.Context,
    after: Annotated[str, typer.Option("--after", help="wait this long after an offer was sent (36h, 7d, 2w)")
                     ] = "7d",
    out: Annotated[Path, typer.Option("--out", "-o", help="folder to write the follow-ups to (created if needed)")
                   ] = Path("follow-ups"),
    again: Annotated[bool, typer.Option("--again", help="also a further follow-up to offers already followed up "
                                                        "at least --after ago")] = False,
    lang: Annotated[str, typer.Option("--lang", help="auto (the offer's language) or one of: "
                                                     f"{', '.join(LANGUAGES)}")] = "auto",
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"one of: {', '.join(FORMATS)}")] = "md",
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
) -> None:
    """Draft one follow-up for each offer sent and not answered after a wait; never a second one unless --again.

    Suppression is checked again when each follow-up is drafted; offers past their expiry get none. Nothing is sent.

    Example: scout outreach follow-up --after 7d --out follow-ups/
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outputs import record_output, state_folder
    from scout.outreach.dates import parse_age
    from scout.outreach.followup import follow_up_offers

    wait = parse_age(after)
    settings = ctx.obj.settings
    settings.outreach.require_sender()
    engine = open_current(settings.db, write=True)
    with session_scope(engine) as session:
        report = follow_up_offers(session, settings.outreach, out_dir=out, now=utcnow(), after=wait, again=again,
                                  language=lang, fmt=fmt, by=who(by))
    record_output(state_folder(settings.state_dir), out, "drafts")
    _print_follow_ups(report, out)


def _print_follow_ups(report: FollowUpReport, out: Path) -> None:
    from rich import box
    from rich.table import Table

    console = stdout_console()
    if not report.drafted:
        console.print("no offer is due a follow-up")
    else:
        table = Table(title=f"{len(report.drafted)} follow-up(s) in {out}", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("business", "lang", "offer code", "expires", "follow-up"):
            table.add_column(column, overflow="fold", no_wrap=column != "business",
                             min_width=16 if column == "business" else None)
        for done in report.drafted:
            draft = done.draft
            table.add_row(safe_text(f"{draft.business_id} {draft.business_name}"), draft.language, draft.offer.code,
                          draft.offer.expires_on.isoformat(), f"#{done.number}")
        console.print(table)
    for name, why in report.skipped:
        console.print(safe_text(f"skipped {name}: {why}", style="dim"))


@app.command("mark")
def mark_cmd(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="business id, marketplace:seller_id, or name")],
    status: Annotated[str, typer.Argument(help=f"one of: {', '.join(STATUSES)}")],
    note: Annotated[str | None, typer.Option("--note", help="what happened, kept in the offer's history")] = None,
    next_step: Annotated[str | None, typer.Option(
        "--next", help="when to act next: YYYY-MM-DD, today, tomorrow, +3d, 2w; none clears it")] = None,
    by: Annotated[str | None, typer.Option("--by", help=BY_HELP)] = None,
) -> None:
    """Record where a business's offer stands; opted-out and onboarded also go on the suppression list.

    Marking the current status again records only the note and the next step. `scout outreach undo` reverts a
    mistake.

    Example: scout outreach mark amazon:A1EXAMPLE sent --note "sent from the shared inbox" --next +7d --by ana
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outreach.dates import parse_next_step
    from scout.outreach.pipeline import KEEP, mark_offer

    check_status(status)  # before opening the database: a typo is the commonest mistake
    now = utcnow()
    when = KEEP if next_step is None else parse_next_step(next_step, now.date())
    engine = open_current(ctx.obj.settings.db, write=True)
    with session_scope(engine) as session:
        result = mark_offer(session, business, status, now=now, by=who(by), note=note, next_step=when)
    console = stdout_console()
    if not result.changed:
        console.print(safe_text(f"business:{result.business_id} {result.name} is already {result.after}"))
    else:
        console.print(safe_text(f"business:{result.business_id} {result.name}: {result.before} -> {result.after}"))
    if result.note:
        console.print(safe_text(f"note: {result.note}"))
    if result.next_changed:
        console.print(f"next step: {result.next_step_on.isoformat() if result.next_step_on else 'none'}")
    if result.suppressions_added:
        kind = "do-not-contact" if result.after == "opted-out" else "suppression"
        console.print(f"added {result.suppressions_added} {kind} entry(ies)")


app.command("assign")(team_cmd.assign_cmd)
app.command("history")(team_cmd.history_cmd)
app.command("undo")(team_cmd.undo_cmd)
app.command("import")(team_cmd.import_cmd)


def pipeline(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        "--status", "-s", help=f"only offers in this status: {', '.join((NO_OFFER, *STATUSES, EXPIRED))}")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="only offers this team member owns")] = None,
    due: Annotated[bool, typer.Option("--due", help="only offers whose next step is today or overdue")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="also write the listed offers to this CSV file")
                        ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="show at most this many offers (0: all); --csv "
                                                             "writes them all")] = 100,
) -> None:
    """Show how many offers are in each status and list the active ones (drafted, sent, replied).

    Offers past their expiry date show as expired. --status, --owner and --due narrow the list; --csv exports it.

    Example: scout pipeline --owner ana --due --csv ana-due.csv
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.outreach.pipeline import pipeline_view, write_pipeline_csv

    if status is not None:
        check_status_filter(status)
    engine = open_current(ctx.obj.settings.db, write=False)
    with session_scope(engine) as session:
        view = pipeline_view(session, today=utcnow().date(), status=status, owner=owner, due=due)
    if csv_path is not None:
        write_pipeline_csv(view.offers, csv_path)
    _print_pipeline(view, status=status, owner=owner, due=due, limit=limit)
    if csv_path is not None:
        stdout_console().print(safe_text(f"wrote {len(view.offers)} offer(s) to {csv_path}"))


def _print_pipeline(view: PipelineView, *, status: str | None, owner: str | None, due: bool, limit: int) -> None:
    from rich import box
    from rich.table import Table

    console = stdout_console()
    counts = Table(title="Offers by status", title_justify="left", box=box.SIMPLE_HEAD)
    for name in view.counts:
        counts.add_column(name, justify="right")
    counts.add_row(*(f"{n:,}" for n in view.counts.values()))
    console.print(counts)
    chosen = [f"status {status}" if status else "active", *([f"owner {owner}"] if owner else []),
              *(["next step due"] if due else [])]
    shown = view.offers if limit <= 0 else view.offers[:limit]
    title = f"{len(view.offers):,} offer(s): {', '.join(chosen)}" + (
        f" (the first {len(shown):,} shown: --limit 0 shows all)" if len(shown) < len(view.offers) else "")
    offers = Table(title=safe_text(title), title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("business", "status", "owner", "offer code", "expires", "next step", "note"):
        offers.add_column(column, overflow="fold", no_wrap=column not in ("business", "note"),
                          min_width=16 if column == "business" else None, max_width=28 if column == "note" else None)
    for offer in shown:
        next_on = "-" if offer.next_step_on is None else offer.next_step_on.isoformat() + (" (due)" if offer.due
                                                                                          else "")
        offers.add_row(safe_text(f"{offer.business_id} {offer.name}"),
                       safe_text(offer.shown_status, style="red" if offer.expired else None),
                       safe_text(offer.owner or "-"), safe_text(offer.offer_code),
                       "-" if offer.expires_on is None else offer.expires_on.isoformat(),
                       safe_text(next_on, style="yellow" if offer.due else None), safe_text(offer.note or "-"))
    console.print(offers)

