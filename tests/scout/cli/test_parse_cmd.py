"""`scout parse`: marketplace and kind detected from content; JSON lines; failures reported per file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, real_pages_dir
from tests.scout.cli_runner import assert_one_error_line, run_scout

CAPTURES = real_pages_dir()


def _capture(relative: str) -> Path:
    if CAPTURES is None or not (CAPTURES / relative).is_file():
        pytest.skip("real captures not available")
    return CAPTURES / relative


def test_parse_json_prints_one_object_per_file_with_the_contract_fields(tmp_path: Path) -> None:
    offers = _capture("amazon/offer_listing_B07L6P7J2M.html")
    ranking = _capture("amazon/bestsellers_com_tools_2022.html")
    result = run_scout("parse", "--json", str(offers), str(ranking), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["marketplace"], o["kind"]) for o in lines] == [("amazon", "offers"), ("amazon", "ranking")]
    first_offer = lines[0]["records"][0]
    assert {"seller_id", "name", "positive_pct", "rating_count", "price", "currency", "is_platform", "product_id",
            "title"} <= first_offer.keys()
    assert (first_offer["seller_id"], first_offer["price"], first_offer["currency"]) == ("A1WNZAYT9WQDYM", 19.99,
                                                                                          "USD")
    ranking_fields = {"rank", "product_id", "title", "stars", "rating_count", "price", "currency"}
    assert ranking_fields <= lines[1]["records"][0].keys()


def test_parse_reports_a_bad_file_and_still_parses_the_others(tmp_path: Path) -> None:
    junk = tmp_path / "junk.html"
    junk.write_text("<html><body>nothing to see</body></html>")
    offers = _capture("amazon/offer_listing_B07L6P7J2M.html")
    result = run_scout("parse", "--json", str(junk), str(offers), cwd=tmp_path)
    assert result.returncode != 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0].keys() == {"path", "error"}
    assert lines[1]["marketplace"] == "amazon" and len(lines[1]["records"]) == 3


def test_parse_reports_a_captcha_page_as_blocked(tmp_path: Path) -> None:
    result = run_scout("parse", "--json", str(FIXTURES / "amazon" / "captcha_com.html"), cwd=tmp_path)
    assert result.returncode != 0
    (line,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert "blocked" in line["error"]


def test_parse_table_output_escapes_hostile_text(tmp_path: Path) -> None:
    page = tmp_path / "hostile.json"
    page.write_text(json.dumps([{"seller": "[bold red]Evil\x1b[31m", "productTitle": "x", "productRate": 4.5,
                                 "numberOfReviews": 3, "productPrice": 1.0, "priceCurrency": "$",
                                 "productLink": "https://www.etsy.com/listing/1", "listingType": "Free listing"}]))
    result = run_scout("parse", str(page), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[bold red]Evil" in result.stdout
    assert "\x1b" not in result.stdout


def test_parse_with_unknown_marketplace_is_one_clear_line(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html></html>")
    assert_one_error_line(run_scout("parse", "-m", "amazing", str(page), cwd=tmp_path), "amazing")


def test_parse_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    assert_one_error_line(run_scout("parse", str(tmp_path / "absent.html"), cwd=tmp_path), "absent.html")


# Product pages that show no featured offer and no other seller: valid pages with no records.
WITHOUT_SELLERS = {"com_B00004YS4O_2018.html.gz", "de_B01GAWQSFW_2019.html.gz"}


def test_every_real_capture_is_recognised(tmp_path: Path) -> None:
    if CAPTURES is None:
        pytest.skip("real captures not available")
    pages = sorted(p for p in CAPTURES.rglob("*") if p.is_file() and p.parent.name != "robots"
                   and p.name.endswith((".html", ".json", ".gz")))
    result = run_scout("parse", "--json", *map(str, pages), cwd=tmp_path)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("error") for line in lines] == [None] * len(pages)
    assert [Path(line["path"]).name for line in lines if not line["records"]] == sorted(WITHOUT_SELLERS)


def test_parse_reads_a_gzip_saved_page_as_the_page_it_holds(tmp_path: Path) -> None:
    plain = FIXTURES / "amazon" / "seller_de_A1HK4XW8ZP3QNT.html"
    packed = tmp_path / "seller.html.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    result = run_scout("parse", "--json", str(plain), str(packed), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["records"] == second["records"] and second["records"][0]["seller_id"] == "A1HK4XW8ZP3QNT"


def test_parse_reports_a_broken_gzip_file_and_parses_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "cut.html.gz"
    broken.write_bytes(gzip.compress(b"<html>" * 1000)[:40])
    plain = FIXTURES / "amazon" / "seller_de_A1HK4XW8ZP3QNT.html"
    result = run_scout("parse", "--json", str(broken), str(plain), cwd=tmp_path)
    assert result.returncode != 0
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "gzip" in first["error"] and second["records"]


def test_a_local_file_is_capped_like_a_fetched_body(tmp_path: Path) -> None:
    (tmp_path / "big.html").write_text("<html>" + "x" * 987 + "</html>", encoding="utf-8")  # 1,000 bytes
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<html>" + b" " * 5_000 + b"</html>"))
    result = run_scout("parse", "big.html", "bomb.html.gz", "--max-bytes", "500", cwd=tmp_path)
    assert result.returncode != 0 and "2 of 2 file(s) could not be read" in result.stderr
    assert "big.html: 1,000 bytes is more than the limit of 500 (--max-bytes to raise it)" in result.stdout
    assert "bomb.html.gz: decompresses to more than the limit of 500 bytes" in result.stdout
    raised = run_scout("parse", "big.html", "--max-bytes", "2000", cwd=tmp_path)  # read, then not a marketplace page
    assert "more than the limit" not in raised.stdout and "no marketplace parser recognises" in raised.stdout
