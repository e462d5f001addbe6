"""`scout db`: create, upgrade and inspect the database."""

from __future__ import annotations

import typer

from scout.cli.console import stdout_console

app = typer.Typer(help="Create, upgrade and inspect Scout's database.\n\nExample: scout db init",
                  no_args_is_help=True, rich_markup_mode=None)


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the database (or bring an existing one up to date).

    Example: scout --db scout.db db init
    """
    from db.engine import describe, make_engine
    from db.migrate import upgrade

    engine = make_engine(ctx.obj.settings.db, write=True)
    before, after = upgrade(engine)
    where = describe(engine.url)
    if before == after:
        typer.echo(f"{where} is ready (schema {after}, already up to date)")
    else:
        typer.echo(f"{where} is ready (schema {after})")


@app.command("upgrade")
def upgrade_cmd(ctx: typer.Context) -> None:
    """Apply schema migrations to an existing database; a SQLite file is backed up first.

    Example: scout --db team.db db upgrade
    """
    from db.engine import describe, make_engine
    from db.migrate import backup_file, upgrade
    from scout.outputs import record_output, state_folder

    engine = make_engine(ctx.obj.settings.db, write=True, must_exist=True)
    before, after = upgrade(engine)
    if before == after:
        typer.echo(f"{describe(engine.url)} is already at schema {after}")
        return
    typer.echo(f"{describe(engine.url)} upgraded from schema {before or 'none'} to {after}")
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        backup = backup_file(engine.url.database, after)
        record_output(state_folder(ctx.obj.settings.state_dir), backup, "backup")
        typer.echo(f"the database as it was is kept in {backup}")


@app.command("stats")
def stats(ctx: typer.Context) -> None:
    """Count sellers, snapshots, businesses and crawls per marketplace.

    Example: scout db stats
    """
    from rich.table import Table

    from db.engine import describe, session_scope
    from db.migrate import head_revision, open_current
    from db.queries import count_businesses, count_crawls, database_stats

    engine = open_current(ctx.obj.settings.db, write=False)
    with session_scope(engine) as session:
        rows = database_stats(session)
        businesses = count_businesses(session)
        crawls = count_crawls(session)
    table = Table(title=f"{describe(engine.url)} (schema {head_revision()})")
    for column in ("marketplace", "sellers", "snapshots", "businesses", "crawls", "pages", "ranking entries"):
        table.add_column(column, justify="left" if column == "marketplace" else "right")
    for row in rows:
        table.add_row(row.marketplace, f"{row.sellers:,}", f"{row.snapshots:,}", f"{row.businesses:,}",
                      f"{row.crawls:,}", f"{row.pages:,}", f"{row.rankings:,}")
    table.add_row("all", f"{sum(r.sellers for r in rows):,}", f"{sum(r.snapshots for r in rows):,}",
                  f"{businesses:,}", f"{crawls:,}", f"{sum(r.pages for r in rows):,}",
                  f"{sum(r.rankings for r in rows):,}", style="bold")
    stdout_console().print(table)
