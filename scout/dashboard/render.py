"""`scout dashboard` rendered with rich: panels laid out for the terminal's size, refreshed in place by `Live`.

Below 120 columns a compact layout keeps the most important panels within 80×24 (all panels, stacked, on a
terminal at least 50 lines tall); from 120 columns the panels sit in two columns, from 160 in three. Every
scraped string becomes a Text with control characters stripped, so markup and escapes in names stay inert.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime

from rich.console import Console, ConsoleOptions, Group, OverflowMethod, RenderableType, RenderResult
from rich.live import Live
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scout.dashboard.data import DashboardData, Mover
from scout.money import short_amount
from scout.sanitize import strip_control

NARROW, TWO_COLUMNS, THREE_COLUMNS, TALL = 80, 120, 160, 50
TOP_ROWS = 10
HEADLINE_LINES, BOARD_FRAME_LINES = 4, 3  # a panel's two borders, plus two lines of figures or one header
HEALTH_WIDTH = 48  # "mercadolibre", "running" and four counts, at 80 columns


@dataclass(frozen=True)
class Glyphs:
    """The symbols the dashboard draws with, and the console encoding names must survive."""

    up: str
    down: str
    flat: str
    unknown: str
    full: str
    empty: str
    at_least: str
    dash: str
    dot: str
    encoding: str = "utf-8"
    overflow: OverflowMethod = "ellipsis"  # rich's ellipsis is "…"

    def text(self, value: object, style: str = "") -> Text:
        """Scraped or stored text made inert: no markup, no control or ANSI characters, encodable."""
        clean = "" if value is None else strip_control(str(value))
        if not self.encoding.startswith("utf"):
            clean = clean.encode(self.encoding, "replace").decode(self.encoding)
        return Text(clean, style=style)


UNICODE = Glyphs("↑", "↓", "→", "·", "█", "░", "≥", "—", "·")
ASCII = Glyphs("^", "v", "=", ".", "#", ".", ">=", "-", "|", encoding="ascii", overflow="crop")


def glyphs_for(console: Console) -> Glyphs:
    """Unicode arrows and bars when the console can encode them, else the ASCII fallback."""
    encoding = (console.encoding or "utf-8").lower()
    g = UNICODE
    try:
        "".join((g.up, g.down, g.flat, g.unknown, g.full, g.empty, g.at_least, g.dash, g.dot, "…")).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return replace(ASCII, encoding=encoding)
    return replace(UNICODE, encoding=encoding)


def choose_layout(width: int, height: int) -> str:
    """"three", "two", "stacked" or "compact" columns of panels for a terminal of this size."""
    if width >= THREE_COLUMNS:
        return "three"
    if width >= TWO_COLUMNS:
        return "two"
    return "stacked" if height >= TALL else "compact"


def render_dashboard(data: DashboardData, *, width: int, height: int, glyphs: Glyphs = UNICODE,
                     note: str | None = None) -> RenderableType:
    """The whole dashboard for a console of `width` × `height` characters."""
    g = glyphs
    layout = choose_layout(width, height)
    head = _headline(data, g, note, per_row=6 if width >= NARROW else 3)
    health, funnel = _health(data, g), _funnel(data, g)
    if layout == "compact":  # the leaderboard gets the lines left once the prompt and the other panels have theirs
        narrow = width < NARROW  # below 80 columns the headline takes two rows and the bottom panels stack
        heights = (len(data.health) + 3, _funnel_height(data))
        used = 1 + HEADLINE_LINES + 2 * narrow + (sum(heights) if narrow else max(heights)) + BOARD_FRAME_LINES
        board = _leaderboard(data, g, max(3, min(TOP_ROWS, height - used)), wide=False)
        return Group(head, board, funnel, health) if narrow else Group(head, board, _side_by_side(funnel, health))
    board = _leaderboard(data, g, TOP_ROWS, wide=layout == "three")
    markets, histogram, movers = _marketplaces(data, g), _histogram(data, g), _movers(data, g)
    if layout == "stacked":
        return Group(head, board, markets, histogram, _side_by_side(funnel, health), movers)
    below: list[tuple[RenderableType, int]] = (  # (panels, width ratio): bars need less room than names
        [(Group(markets, funnel), 1), (Group(histogram, movers), 1)] if layout == "two"
        else [(Group(markets, funnel), 5), (histogram, 4), (movers, 5)])
    grid = Table.grid(expand=True)
    for _, ratio in below:
        grid.add_column(ratio=ratio)
    grid.add_row(*(panel for panel, _ in below))
    return Group(head, _side_by_side(board, health), grid)


def _side_by_side(left: Panel, health: Panel) -> Table:
    """A panel beside crawl health, which gets the width its six columns need."""
    row = Table.grid(expand=True)
    row.add_column(ratio=1)
    row.add_column(width=HEALTH_WIDTH)
    row.add_row(left, health)
    return row


def print_dashboard(console: Console, data: DashboardData) -> None:
    """Print one frame sized to `console`."""
    console.print(render_dashboard(data, width=console.width, height=console.height, glyphs=glyphs_for(console)))


def watch_dashboard(console: Console, render: Callable[[], RenderableType], interval: float, *,
                    sleep: Callable[[float], None] = time.sleep, iterations: int | None = None) -> int:
    """Re-render every `interval` seconds until Ctrl-C (or `iterations` frames); returns the frames shown.

    On a terminal the frame is updated in place by `Live` (no screen clears); elsewhere each frame is appended.
    """
    shown = 0
    live = (Live(console=console, screen=False, auto_refresh=False, redirect_stdout=False, redirect_stderr=False)
            if console.is_terminal else None)
    try:
        with live or nullcontext():
            while iterations is None or shown < iterations:
                if shown:
                    sleep(interval)
                frame = render()
                if live is not None:
                    live.update(frame, refresh=True)
                else:
                    console.print(frame)
                shown += 1
    except KeyboardInterrupt:
        pass
    return shown


# Panels


def _no_data(g: Glyphs) -> str:
    return f"no data yet {g.dash} run scout demo or scout crawl"


def _missing_scores(data: DashboardData, g: Glyphs) -> str | None:
    """Why a score panel has nothing to show, or None when it has."""
    if not data.has_sellers:
        return _no_data(g)
    return None if data.has_scores else f"no scores yet {g.dash} run scout score"


def _panel(body: RenderableType, title: str | Text, *, alarm: bool = False) -> Panel:
    heading = title if isinstance(title, Text) else Text(title, style="bold")
    return Panel(body, title=heading, title_align="left", border_style="red" if alarm else "blue",
                 padding=(0, 1))


def _message(title: str, message: str) -> Panel:
    return _panel(Text(message, style="dim"), title)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"



def _bar(g: Glyphs, value: float, total: float, width: int, style: str) -> Text:
    filled = 0 if total <= 0 else round(width * min(max(value / total, 0.0), 1.0))
    if value > 0 and filled == 0:
        filled = 1
    return Text.assemble((g.full * filled, style), (g.empty * (width - filled), "dim"))


class _Meter:
    """A bar as wide as the space left for it."""

    def __init__(self, g: Glyphs, value: float, total: float, style: str) -> None:
        self.g, self.value, self.total, self.style = g, value, total, style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(3, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield _bar(self.g, self.value, self.total, options.max_width, self.style)


def _count(n: int) -> str:
    return f"{n:,}" if n < 10_000 else short_amount(n)


def _headline(data: DashboardData, g: Glyphs, note: str | None, *, per_row: int) -> Panel:
    h = data.headline
    figures = ((h.sellers, "sellers"), (h.businesses, "businesses"), (h.new_this_week, "new 7 days"),
               (h.leads, f"leads {g.at_least}{h.threshold:g}"), (h.drafts, "drafts"), (h.onboarded, "onboarded"))
    grid = Table.grid(expand=True)
    for _ in range(per_row):
        grid.add_column(ratio=1, no_wrap=True, overflow=g.overflow)
    for start in range(0, len(figures), per_row):
        row = figures[start:start + per_row]
        grid.add_row(*(Text(_number(value), style="bold") for value, _ in row))
        grid.add_row(*(Text(label, style="dim") for _, label in row))
    where = data.marketplace or "all marketplaces"
    title = Text.assemble(("Scout", "bold"), f" {g.dot} {where} {g.dot} {data.generated_at:%Y-%m-%d %H:%M} UTC")
    if note:
        title.append(f" {g.dot} {note}", style="dim")
    return _panel(grid, title)


def _trend(g: Glyphs, trend: str | None) -> Text:
    return {"up": Text(g.up, style="green"), "down": Text(g.down, style="red"),
            "flat": Text(g.flat, style="dim")}.get(trend or "", Text(g.unknown, style="dim"))


def _marketplace_list(names: Sequence[str], keep: int) -> str:
    if len(names) <= keep:
        return ", ".join(names)
    return ", ".join(names[:keep]) + f" +{len(names) - keep}"


def _leaderboard(data: DashboardData, g: Glyphs, rows: int, *, wide: bool) -> Panel:
    shown = data.leaderboard[:rows]
    title = (f"Top {len(shown)} businesses" if shown else "Top businesses") + (
        f" on {data.marketplace}" if data.marketplace else "")
    missing = _missing_scores(data, g) or (None if shown else f"none scored yet {g.dash} run scout score")
    if missing:
        return _message(title, missing)
    table = Table(box=None, expand=True, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("business", ratio=1, no_wrap=True, overflow=g.overflow, min_width=12)
    bar_width = 12 if wide else 10
    table.add_column("score", no_wrap=True, min_width=bar_width + 6)
    table.add_column("marketplaces", no_wrap=True, overflow=g.overflow, max_width=28 if wide else 16)
    if wide:
        table.add_column("growth", justify="right", no_wrap=True)
        table.add_column("status", no_wrap=True)
    table.add_column("", no_wrap=True)
    for entry in shown:
        if entry.insufficient:
            score = Text("low data".ljust(bar_width + 6), style="dim")
        else:
            style = "green" if entry.score >= data.headline.threshold else "yellow"
            score = _bar(g, entry.score, 100, bar_width, style).append(f" {entry.score:5.1f}")
        cells: list[Text] = [Text(str(entry.rank)), g.text(entry.name), score,
                             g.text(_marketplace_list(entry.marketplaces, 3 if wide else 2))]
        if wide:
            growth = "-" if entry.growth_pct_30d is None else f"{entry.growth_pct_30d:+.1f}%"
            cells += [Text(growth), g.text(entry.status, style="dim" if entry.status == "new" else "cyan")]
        table.add_row(*cells, _trend(g, entry.trend))
    return _panel(table, title)


def _funnel_height(data: DashboardData) -> int:
    return len(data.funnel.stages) + len(_funnel_notes(data, UNICODE)) + 2


def _funnel_notes(data: DashboardData, g: Glyphs) -> list[Text]:
    """The lines under the funnel: who left, who owns the open offers, what is due."""
    f, lines = data.funnel, []
    if f.declined or f.opted_out:
        lines.append(Text(f"declined {f.declined:,} {g.dot} opted out {f.opted_out:,}", style="dim"))
    if f.owners:
        shown = [f"{name} {n:,}" for name, n in f.owners[:3]] + ([f"+{len(f.owners) - 3}"] if len(f.owners) > 3
                                                                 else [])
        lines.append(g.text(f"owners {', '.join(shown)}" + (f" {g.dot} nobody {f.unowned:,}" if f.unowned else ""),
                            style="dim"))
    if f.next_steps_due or f.follow_ups_due:
        lines.append(Text(f"due: {f.next_steps_due:,} steps {g.dot} {f.follow_ups_due:,} follow-ups", style="yellow"))
    for line in lines:
        line.no_wrap, line.overflow = True, g.overflow
    return lines


def _funnel(data: DashboardData, g: Glyphs) -> Panel:
    stages = data.funnel.stages
    if not stages or stages[0][1] == 0:
        return _message("Pipeline", "no offers drafted yet")
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, min_width=4)
    table.add_column(justify="right", no_wrap=True)
    first, previous = stages[0][1], stages[0][1]
    for stage, n in stages:
        share = f"{n / previous:.0%}" if previous else "-"
        table.add_row(Text(stage), Text(f"{n:,}", style="bold"), _Meter(g, n, first, "cyan"),
                      Text(share, style="dim"))
        previous = n
    notes = _funnel_notes(data, g)
    return _panel(Group(table, *notes) if notes else table, "Pipeline")


def _age(now: datetime, then: datetime) -> str:
    seconds = max(0.0, (now - then).total_seconds())
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size:.0f}{unit}"
    return "now"


def _health(data: DashboardData, g: Glyphs) -> Panel:
    no_data = f"no crawls yet {g.dash} run scout crawl"
    if not data.health:
        return _message("Crawl health", no_data)
    table = Table(box=None, expand=True, pad_edge=False, collapse_padding=True, header_style="bold")
    table.add_column("source", no_wrap=True, overflow=g.overflow, min_width=6)
    table.add_column("last", justify="right", no_wrap=True)
    for name in ("ok", "retry", "block", "drift"):
        table.add_column(name, justify="right", no_wrap=True)
    for source in data.health:
        last = (_age(data.generated_at, source.last_at) if source.status == "finished" else
                {"interrupted": "stopped"}.get(source.status, source.status[:7]))
        style = "bold red" if source.alarm else ""
        table.add_row(g.text(source.source), Text(last, style="yellow" if source.status != "finished" else ""),
                      *(Text(_count(n)) for n in (source.ok, source.retried, source.blocked, source.drifted)),
                      style=style)
    alarms = [s.source for s in data.health if s.alarm]
    title = Text("Crawl health", style="bold")
    if alarms:
        title.append(f" {g.dash} ALARM: {', '.join(alarms)}", style="bold red")
    panel = _panel(table, title, alarm=bool(alarms))
    if alarms:
        panel.subtitle = Text("fix the parser, then scout reparse", style="red")
        panel.subtitle_align = "left"
    return panel


def _marketplaces(data: DashboardData, g: Glyphs) -> Panel:
    if not data.marketplaces:
        return _message("Marketplaces", _no_data(g))
    table = Table(box=None, expand=True, pad_edge=False, header_style="bold")
    table.add_column("marketplace", no_wrap=True)
    table.add_column("sellers", justify="right", no_wrap=True)
    table.add_column("median\nratings", justify="right", no_wrap=True)
    table.add_column("top seller", ratio=1, no_wrap=True, overflow=g.overflow, min_width=10)
    table.add_column("score", justify="right", no_wrap=True)
    for row in data.marketplaces:
        table.add_row(g.text(row.marketplace), Text(f"{row.sellers:,}"), Text(_number(row.median_ratings)),
                      g.text(row.top_seller or "-"), Text("-" if row.top_score is None else f"{row.top_score:.1f}"))
    if not data.has_scores:
        table.caption = Text("median ratings and top sellers: run scout score", style="dim")
    return _panel(table, "Marketplaces")


def _histogram(data: DashboardData, g: Glyphs) -> Panel:
    title = "Business scores"
    missing = _missing_scores(data, g)
    if missing:
        return _message(title, missing)
    hist = data.histogram
    top = max((*hist.bins, hist.insufficient, 1))
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1, no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    threshold = data.headline.threshold
    for i in reversed(range(len(hist.bins))):
        style = "green" if 10 * i >= threshold else "yellow" if 10 * (i + 1) > threshold else "blue"
        table.add_row(Text(f"{10 * i}-{10 * (i + 1)}"), _Meter(g, hist.bins[i], top, style),
                      Text(f"{hist.bins[i]:,}"))
    table.add_row(Text("low data", style="dim"), _Meter(g, hist.insufficient, top, "dim"),
                  Text(f"{hist.insufficient:,}", style="dim"))
    return _panel(table, title)


def _mover_rows(table: Table, g: Glyphs, movers: Sequence[Mover], arrow: Text) -> None:
    for m in movers:
        rel = "" if m.growth_pct is None else f" ({m.growth_pct:+.1f}%)"
        table.add_row(arrow, g.text(m.name), g.text(m.marketplace, style="dim"), Text(f"{m.per_30d:+,.0f}{rel}"))


def _movers(data: DashboardData, g: Glyphs) -> Panel:
    title = "Movers (ratings per 30 days)"
    missing = _missing_scores(data, g)
    if missing:
        return _message(title, missing)
    if not data.risers and not data.fallers:
        return _message(title, "no change between snapshots yet: crawl again in a few days")
    table = Table(box=None, expand=True, pad_edge=False, show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow=g.overflow, min_width=10)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    _mover_rows(table, g, data.risers, Text(g.up, style="green"))
    if data.risers and data.fallers:
        table.add_section()
    _mover_rows(table, g, data.fallers, Text(g.down, style="red"))
    return _panel(table, title)

