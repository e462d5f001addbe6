"""`scout demo`: the whole job on a synthetic world, on this machine alone."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from scout.cli.console import stdout_console


def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for the demo's database, CSV and drafts")] = Path(
        "scout-demo"),
    seed: Annotated[int, typer.Option("--seed", help="seed of the synthetic world (same seed, same results)")] = 7,
    sellers: Annotated[int, typer.Option("--sellers", min=10, max=200_000, help="businesses in the world")] = 1500,
) -> None:
    """Run Scout end to end against its own replica of the marketplaces: no network needed.

    Starts the replica on free loopback ports, crawls every marketplace twice (day 0 and day 1, so growth
    shows), scores, links businesses across marketplaces, applies a sample suppression list, writes the
    leads CSV and outreach drafts, and shows the dashboard. Deterministic for a given --seed.

    Example: scout demo --sellers 500 --out /tmp/scout-demo
    """
    from rich.text import Text

    from db.engine import make_engine, session_scope
    from scout.cli.crawl_cmd import print_summary
    from scout.dashboard.data import load_dashboard
    from scout.dashboard.render import print_dashboard
    from scout.demo import run_demo

    console = stdout_console()
    started = time.monotonic()

    def on_step(name: str, detail: str) -> None:
        console.print(Text.assemble((f"{time.monotonic() - started:6.1f}s ", "dim"), (f"{name:<18}", "bold"),
                                    detail))

    report = run_demo(ctx.obj.settings, out, seed=seed, sellers=sellers, on_step=on_step)
    print_summary(report.crawls[-1])
    engine = make_engine(str(report.db_path), write=False, must_exist=True)
    with session_scope(engine) as session:
        print_dashboard(console, load_dashboard(session, now=datetime.now(UTC)))
    engine.dispose()
    console.print(Text("Written:", style="bold"))
    for label, path in report.artefacts.items():
        console.print(f"  {label:<19} {path}")
    console.print(f"Explore: scout --db {report.db_path} leads --top 20   (or dashboard, explain, pipeline)")
