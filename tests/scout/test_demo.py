"""`scout demo` runs the whole chain on a small world and leaves every artefact where it says."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from tests.scout.cli_runner import interrupt_scout, run_scout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run_scout("demo", "--sellers", "150", "--seed", "3", "--out", str(out), cwd=out.parent, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


def test_demo_reports_every_step_and_where_outputs_went(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    for step in ("world", "crawl day 0", "crawl day 1", "match", "suppress", "score", "leads", "drafts",
                 "Top ", "Crawl health"):
        assert step in stdout, step
    for artefact in ("leads.csv", "drafts", "scout-demo.db", "already-onboarded.csv"):
        assert str(out / artefact) in stdout.replace("\n", ""), artefact


def test_demo_crawls_every_marketplace_twice(demo: tuple[Path, str]) -> None:
    out, _ = demo
    with sqlite3.connect(out / "scout-demo.db") as conn:
        crawls = conn.execute("SELECT count(*) FROM crawl WHERE status = 'finished'").fetchone()[0]
        marketplaces = {row[0] for row in conn.execute(
            "SELECT DISTINCT s.marketplace FROM sellersnapshot n JOIN seller s ON s.id = n.seller_pk")}
        twice = conn.execute("SELECT count(*) FROM (SELECT seller_pk FROM sellersnapshot GROUP BY seller_pk "
                             "HAVING count(DISTINCT crawl_id) = 2)").fetchone()[0]
        businesses = conn.execute("SELECT count(*) FROM business").fetchone()[0]
    assert crawls == 2
    assert marketplaces == {"amazon", "ebay", "walmart", "etsy", "allegro", "cdiscount", "mercadolibre"}
    assert twice > 20 and businesses > 20


def test_demo_leads_csv_is_ranked_and_spreadsheet_safe(demo: tuple[Path, str]) -> None:
    out, _ = demo
    with (out / "leads.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 20
    assert [int(row["rank"]) for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values() if value), row
    suppressed = (out / "already-onboarded.csv").read_text(encoding="utf-8").splitlines()[1:]
    names = {line.split(",")[0] for line in suppressed}
    assert not names & {row["business"] for row in rows}


def test_demo_drafts_carry_the_offer_and_compliance_lines(demo: tuple[Path, str]) -> None:
    out, _ = demo
    drafts = sorted((out / "drafts").glob("*.md"))
    assert len(drafts) >= 10
    for draft in drafts:
        text = draft.read_text(encoding="utf-8")
        assert "1 Market Street, San Francisco" in text  # the sender's postal address
        assert "STOP" in text  # the opt-out
        assert "SC-" in text  # an offer code
    english = [d.read_text(encoding="utf-8") for d in drafts if "(en)" in d.read_text(encoding="utf-8")[:60]]
    assert english and all("first three months free" in text or "first three months are free" in text
                           for text in english)  # an offer, or a phone script
    assert (out / "drafts" / "drafts.csv").is_file()


def test_demo_drafts_show_every_channel_with_the_rule_that_chose_it(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    texts = [d.read_text(encoding="utf-8") for d in sorted((out / "drafts").glob("*.md"))]
    channels = {line.split(":")[1].strip() for text in texts for line in text.splitlines()
                if line.startswith("channel: ")}
    assert {"e-mail", "postal letter", "phone script"} <= channels, channels
    assert all(any(w in line for w in ("_rules", "contact_sources", "allowed everywhere", "contact form"))
               for text in texts for line in text.splitlines() if line.startswith("channel: "))
    assert "by channel (each draft names the rule)" in " ".join(stdout.split())
    for text in texts:  # a business in Germany is written to, never e-mailed, by default
        if "channel: e-mail" in text:
            assert "email_rules DE" not in text and "To: " in text and "@" in text.split("To: ")[1].split("\n")[0]


def test_ctrl_c_during_the_demo_is_one_error_line(tmp_path: Path) -> None:
    result = interrupt_scout("demo", "--sellers", "200", "--out", "out", cwd=tmp_path,
                             ready=lambda out: "world" in out, timeout=60)
    assert result.returncode == 130
    assert result.stderr == "error: interrupted\n"
