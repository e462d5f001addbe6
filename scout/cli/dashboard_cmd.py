"""`scout dashboard`: headline figures, top businesses, pipeline and crawl health in the terminal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from scout.dashboard.options import DEFAULT_THRESHOLD, check_dashboard_options
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from scout.dashboard.data import DashboardData


def dashboard_console() -> Console:
    """The console the dashboard draws on: no colour or styles at all when NO_COLOR is set or not a TTY."""
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(highlight=False, soft_wrap=False, color_system=None if plain else "auto", no_color=plain)


def dashboard(
    ctx: typer.Context,
    watch: Annotated[float | None, typer.Option("--watch", "-w", metavar="SECONDS",
                                                help="refresh in place every SECONDS until Ctrl-C")] = None,
    marketplace: Annotated[str | None, typer.Option(
        "--marketplace", "-m", help=f"only one of: {', '.join(MARKETPLACES)}")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="score (0-100) from which a business counts "
                                             "as a lead")] = DEFAULT_THRESHOLD,
) -> None:
    """Show the state of Scout at a glance: sellers and leads, the top businesses, the outreach pipeline,
    momentum movers and the health of each source's last crawl.

    Fits 80x24 (the most important panels) and spreads into two or three columns on wider terminals.
    Plain text when not a terminal or NO_COLOR is set.

    Example: scout dashboard --watch 5 --marketplace etsy
    """
    from db.engine import session_scope
    from db.migrate import open_current
    from db.models import utcnow
    from scout.dashboard.data import load_dashboard
    from scout.dashboard.render import glyphs_for, render_dashboard, watch_dashboard

    check_dashboard_options(marketplace, threshold, watch)
    engine = open_current(ctx.obj.settings.db, write=False)
    console = dashboard_console()
    note = f"every {watch:g}s, Ctrl-C to stop" if watch is not None else None
    last: list[DashboardData] = []  # the previous frame lends its score figures while the scores are unchanged

    def render() -> RenderableType:
        with session_scope(engine) as session:
            data = load_dashboard(session, now=utcnow(), marketplace=marketplace, threshold=threshold,
                                  previous=last[-1] if last else None)
        last[:] = [data]
        return render_dashboard(data, width=console.width, height=console.height, glyphs=glyphs_for(console),
                                note=note)

    if watch is None:
        console.print(render())
    else:
        watch_dashboard(console, render, watch)
