"""`scout ingest`: saved pages become snapshots with provenance; ingesting again changes nothing."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from db.models import OfferRecord, Page, RankingEntry, Seller, SellerSnapshot
from scout.pages.ingest import ingest_files
from tests.helpers import FIXTURES, real_pages_dir
from tests.scout.cli_runner import run_scout

CAPTURES = real_pages_dir()
needs_captures = pytest.mark.skipif(CAPTURES is None, reason="real captures not available")


def _counts(db: str) -> dict[str, int]:
    engine = make_engine(db)
    with session_scope(engine) as session:
        counts = {m.__name__: session.execute(select(func.count()).select_from(m)).scalar_one()
                  for m in (Page, Seller, SellerSnapshot, RankingEntry, OfferRecord)}
    engine.dispose()
    return counts


@needs_captures
def test_ingest_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    assert CAPTURES is not None
    files = [CAPTURES / "amazon" / "offer_listing_2015_0135157862_NEW_1.html",
             CAPTURES / "amazon" / "bestsellers_com_tools_2022.html",
             CAPTURES / "ebay" / "browse_search_iphone_bestmatch_100.json"]
    assert run_scout("--db", db_url, "db", "init", cwd=tmp_path).returncode == 0
    first = run_scout("--db", db_url, "ingest", *map(str, files), "--as-of", "2026-11-01", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = _counts(db_url)
    assert after_first["Seller"] == 10 + 38  # 9 Amazon third parties + Amazon itself, 38 eBay sellers
    assert after_first["RankingEntry"] == 30
    second = run_scout("--db", db_url, "ingest", *map(str, files), cwd=tmp_path)
    assert second.returncode == 0
    assert _counts(db_url) == after_first


@needs_captures
def test_ingested_figures_carry_provenance_and_as_of(engine: Engine, tmp_path: Path) -> None:
    assert CAPTURES is not None
    saved = tmp_path / "offers.html"
    shutil.copy(CAPTURES / "amazon" / "offer_listing_B07L6P7J2M.html", saved)
    report = ingest_files(engine, [saved], as_of=datetime(2026, 11, 1, tzinfo=UTC))
    assert [outcome.status for _, outcome in report.files] == ["ok"]
    with session_scope(engine) as session:
        snap = session.execute(select(SellerSnapshot).join(Seller, Seller.id == SellerSnapshot.seller_pk)
                               .where(Seller.seller_id == "A1WNZAYT9WQDYM")).scalar_one()
        page = session.get(Page, snap.page_id)
    assert (snap.positive_pct, snap.rating_count) == (97.0, 1720)
    assert snap.observed_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert snap.source_url == saved.resolve().as_uri() == page.url  # type: ignore[union-attr]
    assert snap.parser_version.startswith("amazon/")


def test_a_gzip_saved_page_is_stored_as_the_page_it_holds(engine: Engine, tmp_path: Path) -> None:
    packed = tmp_path / "seller.html.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "amazon" / "seller_de_A1HK4XW8ZP3QNT.html").read_bytes()))
    report = ingest_files(engine, [packed], as_of=datetime(2026, 11, 1, tzinfo=UTC))
    assert [(outcome.status, outcome.kind) for _, outcome in report.files] == [("ok", "seller")]
    with session_scope(engine) as session:
        snap = session.execute(select(SellerSnapshot)).scalar_one()
        page = session.execute(select(Page)).scalar_one()
    assert (snap.positive_pct, snap.rating_count) == (97.0, 92_284)
    assert page.url == packed.resolve().as_uri()
    engine.dispose()


def test_a_broken_gzip_file_is_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "cut.html.gz"
    broken.write_bytes(gzip.compress(b"<html>" * 1000)[:40])
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    result = run_scout("ingest", str(broken), cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "gzip" in result.stderr


def test_a_blocked_page_is_archived_but_stores_no_figures(engine: Engine) -> None:
    report = ingest_files(engine, [FIXTURES / "amazon" / "captcha_com.html"])
    assert [outcome.status for _, outcome in report.files] == ["blocked"]
    with session_scope(engine) as session:
        page = session.execute(select(Page)).scalar_one()
        assert page.parse_status == "blocked"
        assert session.execute(select(func.count()).select_from(SellerSnapshot)).scalar_one() == 0
    engine.dispose()


def test_ingest_bad_as_of_is_one_clear_line(tmp_path: Path) -> None:
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    result = run_scout("ingest", str(FIXTURES / "amazon" / "captcha_com.html"), "--as-of", "yesterday",
                       cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error:") and "--as-of" in result.stderr
