"""The dashboard as rendered: panels and figures at 80 and 160 columns, inert hostile names, plain and ASCII
output, empty databases, and `--watch` updating in place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from io import StringIO

import pytest
from rich.cells import cell_len
from rich.console import Console, RenderableType
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from scout.dashboard.data import (
    BoardEntry,
    DashboardData,
    Funnel,
    Headline,
    MarketplaceRow,
    Mover,
    SourceHealth,
    load_dashboard,
)
from scout.dashboard.render import ASCII, UNICODE, choose_layout, glyphs_for, render_dashboard, watch_dashboard
from tests.conftest import Databases
from tests.scout.dashboard.test_data import FORMULA, MARKUP, build_dashboard_db
from tests.scout.scoring.test_leads import DAY2, HOSTILE

NO_DATA = "no data yet — run scout demo or scout crawl"


class AsciiFile(StringIO):
    """A file that, like a terminal in the C locale, can only take ASCII."""

    encoding = "ascii"


def _console(width: int, height: int = 24, *, terminal: bool = False, colour: bool = False,
             file: StringIO | None = None) -> Console:
    return Console(file=file or StringIO(), width=width, height=height, force_terminal=terminal,
                   color_system="truecolor" if colour else None, highlight=False)


def _render(data: DashboardData, width: int, height: int = 24, *, terminal: bool = False, colour: bool = False,
            ) -> str:
    console = _console(width, height, terminal=terminal, colour=colour)
    console.print(render_dashboard(data, width=width, height=height, glyphs=glyphs_for(console)))
    return console.file.getvalue()  # type: ignore[attr-defined]


def _load(engine: Engine, **options: object) -> DashboardData:
    with session_scope(engine) as session:
        return load_dashboard(session, now=DAY2, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engine(module_databases: Databases) -> Iterator[Engine]:
    engine = build_dashboard_db(module_databases.new("dashboard"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def data(engine: Engine) -> DashboardData:
    return _load(engine)


def _empty(databases: Databases) -> DashboardData:
    engine = make_engine(databases.new("empty"))
    try:
        return _load(engine)
    finally:
        engine.dispose()


def test_compact_80x24_has_headline_leaderboard_pipeline_and_crawl_health(data: DashboardData) -> None:
    out = _render(data, 80, 24)
    lines = out.splitlines()
    assert len(lines) <= 24 and max(cell_len(line) for line in lines) <= 80
    assert re.search(r"│ 9 +7 +6 +1 +3 +1 +│", out)  # sellers, businesses, new, leads, drafts, onboarded
    assert "leads ≥60" in out and "Alpha Küchen GmbH" in out and "Maker Studio" in out
    assert re.search(r"drafted +7 .*100%", out) and re.search(r"sent +4 .*57%", out)
    assert re.search(r"replied +3 .*75%", out) and re.search(r"onboarded +1 .*33%", out)
    assert "Crawl health — ALARM: ebay, walmart" in out
    assert re.search(r"amazon +2h +120 +3 +2 +1", out) and re.search(r"etsy +running +3 +1 +0 +0", out)
    assert "Business scores" not in out  # a compact frame keeps to the most important panels


@pytest.mark.parametrize(("height", "rows"), [(24, 6), (28, 10), (40, 10)])
def test_compact_leaderboard_takes_the_lines_left_over(data: DashboardData, height: int, rows: int) -> None:
    board = tuple(BoardEntry(i, f"Business {i:02d}", 90 - i, ("ebay",), None, False, "new") for i in range(1, 13))
    health = tuple(SourceHealth(mp, 1, "finished", DAY2, DAY2, 5, 0, 0, 0, 0, 0)
                   for mp in ("amazon", "ebay", "walmart", "etsy", "allegro", "cdiscount", "mercadolibre"))
    lines = _render(replace(data, leaderboard=board, health=health), 80, height).splitlines()
    assert len(lines) <= height
    assert sum(1 for line in lines if "Business " in line) == rows and f"Top {rows} businesses" in lines[4]


@pytest.mark.parametrize(("height", "rows"), [(24, 3), (30, 6), (45, 10)])
def test_narrower_than_80_columns_stacks_the_bottom_panels(data: DashboardData, height: int, rows: int) -> None:
    board = tuple(BoardEntry(i, f"Business {i:02d}", 90 - i, ("ebay",), None, False, "new") for i in range(1, 13))
    lines = _render(replace(data, leaderboard=board), 60, height).splitlines()
    assert max(cell_len(line) for line in lines) <= 60 and len(lines) <= max(height, 23 + 3)
    assert re.search(r"│ 9 +7 +6 +│", lines[1]) and re.search(r"│ 1 +3 +1 +│", lines[3])
    assert not any("Pipeline" in line and "Crawl health" in line for line in lines)
    assert sum(1 for line in lines if "Business " in line) == rows


def test_160_columns_put_panels_side_by_side(data: DashboardData) -> None:
    out = _render(data, 160, 50)
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 160
    assert any("Top 6 businesses" in line and "Crawl health" in line for line in lines)
    assert any("Marketplaces" in line and "Business scores" in line and "Movers" in line for line in lines)
    assert "growth" in out and re.search(r"Alpha Küchen GmbH .* sent ", out)  # the wide leaderboard
    assert re.search(r"amazon +3 +2,000 +Alpha Küchen +\d", out)
    assert re.search(r"↓ +\[bold red\]x\[/\] +etsy +-1,000 \(-20\.0%\)", out)


def test_120_columns_use_two_columns(data: DashboardData) -> None:
    lines = _render(data, 120, 40).splitlines()
    assert max(cell_len(line) for line in lines) <= 120
    assert any("Marketplaces" in line and "Business scores" in line for line in lines)
    assert not any("Movers" in line and "Business scores" in line for line in lines)


@pytest.mark.parametrize(("width", "height", "layout"), [
    (80, 24, "compact"), (100, 40, "compact"), (80, 50, "stacked"), (119, 60, "stacked"), (120, 24, "two"),
    (159, 40, "two"), (160, 24, "three"), (250, 70, "three"),
])
def test_layout_follows_terminal_size(width: int, height: int, layout: str) -> None:
    assert choose_layout(width, height) == layout


def test_tall_narrow_terminal_stacks_every_panel(data: DashboardData) -> None:
    out = _render(data, 80, 60)
    for title in ("Top", "Marketplaces", "Business scores", "Pipeline", "Crawl health", "Movers"):
        assert title in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80


def _hostile_data(data: DashboardData) -> DashboardData:
    names = (MARKUP, HOSTILE, FORMULA, "bell\x07 and\r return", "\x1b]8;;http://evil.invalid\x07link\x1b]8;;\x07")
    board = tuple(BoardEntry(i, name, 70 - i, ("amazon",), None, False, "new") for i, name in enumerate(names, 1))
    return replace(data, leaderboard=board, marketplaces=(MarketplaceRow("amazon", 5, 10.0, MARKUP, 70.0),),
                   health=(SourceHealth("[red]ebay[/]", 1, "finished", DAY2, DAY2, 1, 0, 0, 0, 0, 0),))


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("colour", [False, True])
def test_hostile_names_are_shown_literally_and_stripped_of_control_characters(
        data: DashboardData, width: int, colour: bool) -> None:
    out = _render(_hostile_data(data), width, 60, terminal=colour, colour=colour)
    assert MARKUP in out and FORMULA in out and '=HYPERLINK("http://evil.invalid")' in out
    assert "bell and return" in out and "link" in out
    for raw in ('evil.invalid")\x1b[31m', "\x07", "\r", "\x1b]8;;"):
        assert raw not in out
    if not colour:
        assert "\x1b" not in out
    if width == 160:
        assert "[red]ebay[/]" in out


def test_plain_output_has_no_escape_codes(data: DashboardData) -> None:
    out = _render(data, 160, 50)
    assert "\x1b" not in out and "Alpha Küchen GmbH" in out


def test_colour_output_marks_alarms_red(data: DashboardData) -> None:
    out = _render(data, 80, 24, terminal=True, colour=True)
    assert re.search(r"\x1b\[1;31m[^\n]*ALARM: ebay, walmart", out)


def test_ascii_console_gets_ascii_arrows_bars_and_boxes(data: DashboardData) -> None:
    console = _console(160, 50, file=AsciiFile())
    assert glyphs_for(console) == replace(ASCII, encoding="ascii")
    console.print(render_dashboard(data, width=160, height=50, glyphs=glyphs_for(console)))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    out.encode("ascii")
    assert "Alpha K?chen GmbH" in out and "leads >=60" in out and "#" in out
    assert re.search(r"Alpha K\?chen GmbH .* \^ *\|", out)


def test_utf8_console_gets_unicode_glyphs() -> None:
    assert glyphs_for(_console(80)) == UNICODE


@pytest.mark.parametrize(("growth", "arrow"), [(12.0, "↑"), (-8.0, "↓"), (0.2, "→"), (None, "·")])
def test_momentum_arrows(data: DashboardData, growth: float | None, arrow: str) -> None:
    board = (BoardEntry(1, "Solo Trader", 70.0, ("ebay",), growth, False, "new"),)
    out = _render(replace(data, leaderboard=board), 80)
    assert re.search(rf"Solo Trader .* ebay +{re.escape(arrow)} │", out)


@pytest.mark.parametrize("width", [80, 160])
def test_empty_database_renders_friendly_panels(databases: Databases, width: int) -> None:
    out = _render(_empty(databases), width, 24)
    assert NO_DATA in out and "no crawls yet — run scout crawl" in out and "no offers drafted yet" in out
    assert re.search(r"│ 0 +0 +0 +- +0 +0 +│", out)
    assert max(cell_len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("width", [80, 160])
def test_unscored_database_asks_for_scout_score(databases: Databases, width: int) -> None:
    engine = build_dashboard_db(databases.new("unscored"), scored=False)
    out = _render(_load(engine), width, 50)
    engine.dispose()  # an engine left to the garbage collector warns about its open connections
    assert "no scores yet — run scout score" in out and NO_DATA not in out
    assert re.search(r"drafted +7", out)


def test_a_marketplace_with_no_sellers_says_there_is_no_data(databases: Databases) -> None:
    engine = build_dashboard_db(databases.new("one"))
    out = _render(_load(engine, marketplace="cdiscount"), 80)
    engine.dispose()
    assert "cdiscount" in out and NO_DATA in out


def test_watch_title_says_how_to_stop(data: DashboardData) -> None:
    console = _console(80)
    console.print(render_dashboard(data, width=80, height=24, note="every 5s, Ctrl-C to stop"))
    assert "every 5s, Ctrl-C to stop" in console.file.getvalue()  # type: ignore[attr-defined]


def _counting(data: DashboardData) -> tuple[list[int], object]:
    calls: list[int] = []

    def render() -> RenderableType:
        calls.append(1)
        return render_dashboard(data, width=80, height=24, note=f"frame {len(calls)}")

    return calls, render


def test_watch_updates_in_place_without_clearing_the_screen(data: DashboardData) -> None:
    console = _console(80, 24, terminal=True)
    calls, render = _counting(data)
    slept: list[float] = []
    shown = watch_dashboard(console, render, 2.5, sleep=slept.append, iterations=4)  # type: ignore[arg-type]
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert shown == 4 and len(calls) == 4 and slept == [2.5, 2.5, 2.5]
    assert "\x1b[2J" not in out and "\x1b[?1049h" not in out  # no clear, no alternate screen
    assert out.count("\x1b[1A") >= 3 * 20  # each refresh moves the cursor back up over the last frame
    assert all(f"frame {n}" in out for n in (1, 2, 3, 4))
    assert out.endswith("\x1b[?25h")  # the cursor is given back


def test_watch_stops_cleanly_on_ctrl_c(data: DashboardData) -> None:
    console = _console(80, 24, terminal=True)
    calls, render = _counting(data)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    assert watch_dashboard(console, render, 1.0, sleep=sleep) == 2  # type: ignore[arg-type]
    assert len(calls) == 2 and console.file.getvalue().endswith("\x1b[?25h")  # type: ignore[attr-defined]


def test_watch_appends_plain_frames_when_not_a_terminal(data: DashboardData) -> None:
    console = _console(80, 24)
    calls, render = _counting(data)
    assert watch_dashboard(console, render, 1.0, sleep=lambda _: None, iterations=3) == 3  # type: ignore[arg-type]
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert len(calls) == 3 and out.count("Scout · all marketplaces") == 3 and "\x1b" not in out


def test_figures_render_from_plain_dataclasses() -> None:
    frame = DashboardData(
        generated_at=DAY2, marketplace="ebay",
        headline=Headline(sellers=1_234_567, businesses=45_678, new_this_week=910, leads=None, threshold=72.5,
                          drafts=12, onboarded=3),
        leaderboard=(), marketplaces=(MarketplaceRow("ebay", 1_234_567),), funnel=Funnel((("drafted", 0),), 0, 0),
        health=(SourceHealth("ebay", 9, "interrupted", DAY2 - timedelta(days=3), None, 25_000, 1_500, 0, 0, 0, 0),))
    out = _render(frame, 80)
    assert re.search(r"│ 1,234,567 +45,678 +910 +- +12 +3 +│", out) and "leads ≥72.5" in out
    assert "Scout · ebay · 2026-10-31 09:00 UTC" in out
    assert re.search(r"ebay +stopped +25k +1,500 +0 +0", out)


@pytest.mark.parametrize(("status", "shown"), [("finished", "3d"), ("running", "running"),
                                               ("interrupted", "stopped"), ("failed", "failed")])
def test_crawl_health_shows_age_of_finished_crawls_else_their_state(data: DashboardData, status: str,
                                                                     shown: str) -> None:
    health = (SourceHealth("walmart", 9, status, DAY2 - timedelta(days=3, hours=2), None, 5, 0, 0, 0, 0, 0),)
    assert re.search(rf"walmart +{shown} +5 ", _render(replace(data, health=health), 80))


def test_movers_show_growth_per_30_days(data: DashboardData) -> None:
    assert data.scores is not None
    frame = replace(data, scores=replace(data.scores, risers=(Mover("Rising Star", "walmart", 1234.4, 12.34, 9000),),
                                         fallers=(Mover("Fading Co", "allegro", -50, None, 100),)))
    out = _render(frame, 160, 50)
    assert re.search(r"↑ +Rising Star +walmart +\+1,234 \(\+12\.3%\)", out)
    assert re.search(r"↓ +Fading Co +allegro +-50 ", out)


def test_the_pipeline_panel_shows_owners_and_what_is_due(data: DashboardData) -> None:
    funnel = replace(data.funnel, owners=(("ana", 12), ("ben", 8), ("chris", 3), ("dana", 1)), unowned=4,
                     next_steps_due=3, follow_ups_due=2)
    for width, height in ((80, 24), (160, 50)):
        out = _render(replace(data, funnel=funnel), width, height)
        assert "owners ana 12, ben 8" in out and "due: 3 steps · 2 follow-ups" in out
        assert len(out.splitlines()) <= height
    assert "owners ana 12, ben 8, chris 3, +1 · nobody 4" in out  # in full from 120 columns
    assert "owners" not in _render(data, 80) and "due:" not in _render(data, 80)
