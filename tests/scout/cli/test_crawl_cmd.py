"""`scout crawl` away from a terminal: one progress line per source every 30 s, for cron and log files."""

from __future__ import annotations

from scout.cli.crawl_cmd import LOG_EVERY, ProgressLog


def test_progress_off_a_terminal_is_one_line_per_source_every_30_seconds() -> None:
    now = [0.0]
    lines: list[str] = []
    log = ProgressLog(lines.append, clock=lambda: now[0])
    for second in range(0, 95):
        now[0] = float(second)
        log("amazon", "done", second * 2, 400)
        if second % 2 == 0:
            log("ebay", "done", second, 100)
    assert LOG_EVERY == 30.0
    assert lines == ["amazon: 60/400 pages, 2.0 pages/s", "ebay: 30/100 pages, 1.0 pages/s",
                     "amazon: 120/400 pages, 2.0 pages/s", "ebay: 60/100 pages, 1.0 pages/s",
                     "amazon: 180/400 pages, 2.0 pages/s", "ebay: 90/100 pages, 1.0 pages/s"]
