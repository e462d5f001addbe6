"""`scout crawl` and `scout reparse`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scout.cli.console import stderr_console, stdout_console
from scout.errors import Interrupted
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from scout.crawl.sources import CrawlScope
    from scout.crawl.summary import CrawlSummary
    from scout.settings import Settings

FLAGGED_EXIT = 3
LOG_EVERY = 30.0  # seconds between progress lines per source when stderr is not a terminal


def crawl(
    ctx: typer.Context,
    sources: Annotated[list[str] | None, typer.Argument(
        help=f"all, or any of: {', '.join(MARKETPLACES)}; with --join or --retry-failed: a crawl id",
        show_default="all")] = None,
    site: Annotated[str | None, typer.Option("--marketplace-site", "--site",
                                             help="Amazon site: com, co.uk, de, fr, es, it")] = None,
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", help="a Scout category (electronics, tools, …) or an Amazon best-seller slug (ce-de); "
                                 "repeatable")] = None,
    seed: Annotated[list[str] | None, typer.Option("--seed", help="an extra start URL; repeatable")] = None,
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1, help="stop after this many pages")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the last interrupted crawl (once all its "
                                         "workers are gone)")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes on this machine (PostgreSQL)")] = 1,
    join: Annotated[bool, typer.Option("--join", help="join a running crawl (the newest, or CRAWL_ID) as more "
                                       "workers, from any machine with the same --db (PostgreSQL)")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="try a finished crawl's failed and blocked "
                                               "pages again (the newest crawl, or CRAWL_ID)")] = False,
    no_follow: Annotated[bool, typer.Option("--no-follow", help="fetch the seeds only")] = False,
    host_map: Annotated[Path | None, typer.Option("--host-map", help="send requests to a local replica: the file "
                                                  "`scout replica serve` writes [env: SCOUT_HOST_MAP]")] = None,
    delay: Annotated[float | None, typer.Option("--delay", min=0, help="seconds between requests to one host "
                                                "(default: crawler.per_host_delay)")] = None,
) -> None:
    """Crawl marketplaces politely: rankings and searches through to seller profiles.

    robots.txt is obeyed, requests identify Scout, each host gets one request per second by default, and
    429/5xx answers back off (honouring Retry-After). The frontier lives in the database: after Ctrl-C or a
    crash, `scout crawl --resume` carries on without refetching finished pages. Exits 3 when a source's
    pages were mostly blocked or drifted.

    On PostgreSQL a crawl is shared: `--workers 4` runs four worker processes, `scout crawl --join` adds
    workers from any machine, and no host gets more than its rate from all of them together. A page that fails
    (or cannot be parsed) is tried again later in the crawl; `--retry-failed` tries them again after it ended.

    The summary counts pages ok / retried / blocked (captcha, bot wall) / drifted (layout changed) / refused
    by robots.txt / failed / gone (404) / left unfetched, and sellers new to Scout / already known and seen again.

    Example: scout crawl amazon --marketplace-site de --category ce-de --max-pages 500
    """
    from db.migrate import open_current
    from scout.crawl.crawler import shares_frontier
    from scout.crawl.run import read_host_map, reopen_failed, resolve_sources
    from scout.crawl.sources import CrawlScope, check_categories

    settings = ctx.obj.settings
    if delay is not None:
        settings.crawler.per_host_delay = delay
    given = list(sources or [])
    crawl_id: int | None = None
    if (join or retry_failed) and len(given) == 1 and given[0].isdigit():
        crawl_id, given = int(given[0]), []
    names = resolve_sources(given)
    check_categories(tuple(category or ()), site)
    env_map = os.environ.get("SCOUT_HOST_MAP")
    map_file = host_map or (Path(env_map) if env_map else None)
    mapping = read_host_map(map_file) if map_file else None
    engine = open_current(settings.db, write=True)
    scope = CrawlScope(site=site, categories=tuple(category or ()), seeds=tuple(seed or ()), follow=not no_follow)
    if workers > 1 and not shares_frontier(engine) and not join:
        stderr_console().print("note: SQLite runs one crawler per crawl; --workers needs a PostgreSQL --db",
                               style="yellow", markup=False, highlight=False)
        workers = 1
    if retry_failed:
        crawl_id = reopen_failed(engine, settings, crawl_id)
        resume = True
    target: int | bool = crawl_id if crawl_id is not None else True
    try:
        summary = crawl_with_progress(engine, settings, names, scope, resume=target if resume else False,
                                      join=target if join else False, max_pages=max_pages, host_map=mapping,
                                      workers=workers)
    except KeyboardInterrupt:
        raise Interrupted("interrupted: the pages fetched so far are stored; carry on with "
                          "`scout crawl --resume`") from None
    if summary.flagged:
        raise typer.Exit(FLAGGED_EXIT)


class ProgressLog:
    """Progress when stderr is not a terminal (cron, logs): one line per source every `every` seconds."""

    def __init__(self, write: Callable[[str], None], every: float = LOG_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._write, self._every, self._clock = write, every, clock
        self._started = clock()
        self._last: dict[str, float] = {}

    def __call__(self, source: str, status: str, done: int, known: int) -> None:
        now = self._clock()
        if now - self._last.get(source, self._started) < self._every:
            return
        self._last[source] = now
        rate = done / (now - self._started) if now > self._started else 0.0
        self._write(f"{source}: {done}/{known} pages, {rate:.1f} pages/s")


def crawl_with_progress(engine: Engine, settings: Settings, names: list[str], scope: CrawlScope, *,
                        workers: int = 1, **kwargs: Any) -> CrawlSummary:
    """Run a crawl with a live progress bar per source (a log line every 30 s off a terminal), then its summary."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from scout.crawl.run import run_crawl, run_workers

    err = stderr_console()
    columns = (TextColumn("{task.description:<13}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, disable=not err.is_terminal, transient=True) as progress:
        tasks = {name: progress.add_task(name, total=None, rate="") for name in names}

        def on_progress(source: str, status: str, done: int, known: int) -> None:
            task = tasks.get(source)
            if task is not None:
                elapsed = progress.tasks[task].elapsed or 0.0
                rate = f"{done / elapsed:5.1f} p/s" if elapsed > 0 else ""
                progress.update(task, completed=done, total=known, rate=rate)

        log = None if err.is_terminal else ProgressLog(lambda line: err.print(line, markup=False, highlight=False))
        report = on_progress if log is None else log
        if workers > 1:
            def lost(code: int) -> None:
                err.print(f"warning: a crawl worker ended unexpectedly (exit {code}); the others took over its "
                          "pages", style="yellow", markup=False, highlight=False)

            summary = run_workers(engine, settings, workers, names, scope, on_progress=report,
                                  on_worker_lost=lost, **kwargs)
        else:
            summary = run_crawl(engine, settings, names, scope, on_progress=report, **kwargs)
    print_summary(summary)
    return summary


def print_summary(summary: CrawlSummary) -> None:
    """The closing table, and a red line for every source that was mostly blocked or drifted."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Crawl {summary.crawl_id}: {summary.status} (pages, then sellers new / seen again)",
                  title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0))
    columns = ("source", "ok", "retry", "block", "drift", "robots", "fail", "gone", "left", "new", "seen")
    for column in columns:
        table.add_column(column, justify="left" if column == "source" else "right", no_wrap=True,
                         min_width=12 if column == "source" else None)
    for name, s in summary.sources.items():
        style = "bold red" if s.flagged else ""
        table.add_row(name, str(s.ok), str(s.retried), str(s.blocked), str(s.drifted), str(s.disallowed),
                      str(s.failed), str(s.gone), str(s.pending), str(s.sellers_new), str(s.sellers_updated),
                      style=style)
    stdout_console().print(table)
    err = stderr_console()
    for name in summary.flagged:
        s = summary.sources[name]
        share = (s.blocked + s.drifted) / s.fetched
        err.print(Text(f"warning: {name}: {share:.0%} of pages were blocked or drifted; "
                       "its figures are incomplete (see `scout reparse` after a parser fix)", style="bold red"))


def reparse(
    ctx: typer.Context,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m", help="only this marketplace")] = None,
    only_failed: Annotated[bool, typer.Option("--only-failed", help="only pages that were blocked or drifted")] = False,
) -> None:
    """Re-run today's parsers over archived pages, without the network (e.g. after a parser fix).

    Example: scout reparse --marketplace amazon --only-failed
    """
    from db.migrate import open_current
    from scout.pages.reparse import reparse_pages

    engine = open_current(ctx.obj.settings.db, write=True)
    report = reparse_pages(engine, marketplace=marketplace, only_failed=only_failed)
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items())) or "no pages"
    t = report.totals
    stdout_console().print(f"Re-parsed {sum(report.statuses.values())} archived pages ({statuses}): "
                           f"{t.sellers_new} new sellers, {t.snapshots} new snapshots, {t.rankings} ranking entries")
