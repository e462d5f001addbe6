"""`scout replica truth | serve` and their bad input: one clear line, nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.scout.cli_runner import assert_one_error_line, run_scout


def test_truth_writes_which_storefront_belongs_to_which_business(tmp_path: Path) -> None:
    result = run_scout("replica", "truth", "--sellers", "20", "--out", "truth.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with (tmp_path / "truth.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 20 and "business_id" in rows[0]


@pytest.mark.parametrize("out", ["missing-folder/truth.csv", "a-file/truth.csv"])
def test_truth_to_a_place_that_cannot_be_written_is_one_error_line(tmp_path: Path, out: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert_one_error_line(run_scout("replica", "truth", "--sellers", "20", "--out", out, cwd=tmp_path),
                          "cannot write")


@pytest.mark.parametrize(("fault", "needle"), [("429=1.5", "between 0 and 1"), ("429=-0.1", "between 0 and 1"),
                                               ("429=lots", "is not a number"), ("teapot=0.1", "unknown fault")])
def test_a_bad_fault_is_one_error_line(tmp_path: Path, fault: str, needle: str) -> None:
    result = run_scout("replica", "serve", "--sellers", "20", "--fault", fault, cwd=tmp_path, timeout=30)
    assert_one_error_line(result, needle)
    assert not (tmp_path / "replica.json").exists()
