"""Any input a user (or a script) can give the `scout` command ends in a result or in one clear error line: never an
internal error (exit 70), never a traceback, and a refused command leaves the database as it was.

Hypothesis drives the commands with hostile values: control and bidi characters, markup, huge and negative
numbers, random bytes as files, and paths that cannot be written. Commands run in this process (as `scout.cli.main`
runs them) so that many examples stay fast.
"""

from __future__ import annotations

import contextlib
import gc
import io
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from db.engine import make_engine
from scout.cli import main
from tests.scout.cli_runner import SENDER
from tests.scout.scoring.test_leads import build_leads_db

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "-", "--", "=cmd|'/C calc'!A0", "[bold]x[/bold]", "\x1b[31mred", "\u202eevil",
                     "{{ 7*7 }}", "../../etc/passwd", "business:999999999999999999999", "amazon:", ":", "%s%n",
                     "NaN", "inf", "-1", "0", "1e400", "99999999999999999999999", "Alpha Küchen GmbH"]),
)
NUMBER = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str),
                   st.sampled_from(["nan", "inf", "-inf", "1e400", "", "0x10", "5,5", "٣"]),
                   st.floats(allow_nan=True, allow_infinity=True).map(str))
UNWRITABLE = st.sampled_from(["/dev/null/x.csv", "/proc/version/out.csv", "missing/folder/x.csv", ".", "/"])


def _commands(tmp: Path) -> st.SearchStrategy[list[str]]:
    file = st.binary(max_size=300).map(lambda data: _write(tmp / "input.html", data))
    return st.one_of(
        st.tuples(st.just("leads"), st.just("--top"), NUMBER),
        st.tuples(st.just("leads"), st.just("--min-score"), NUMBER),
        st.tuples(st.just("leads"), st.just("--country"), HOSTILE_TEXT),
        st.tuples(st.just("leads"), st.just("--marketplace"), HOSTILE_TEXT),
        st.tuples(st.just("leads"), st.just("--category"), HOSTILE_TEXT),
        st.tuples(st.just("leads"), st.sampled_from(["--csv", "--xlsx"]), UNWRITABLE),
        st.tuples(st.just("explain"), HOSTILE_TEXT),
        st.tuples(st.just("suppress"), st.just("add"), HOSTILE_TEXT, st.just("--reason"), HOSTILE_TEXT,
                  st.just("--marketplace"), HOSTILE_TEXT, st.just("--seller-id"), HOSTILE_TEXT),
        st.tuples(st.just("suppress"), st.just("add"), HOSTILE_TEXT, st.just("--reason"), st.just("x"),
                  st.just("--domain"), HOSTILE_TEXT),
        st.tuples(st.just("suppress"), st.just("import"), file),
        st.tuples(st.just("outreach"), st.just("mark"), HOSTILE_TEXT, HOSTILE_TEXT),
        st.tuples(st.just("outreach"), st.just("draft"), st.just("--out"), UNWRITABLE, st.just("--top"), NUMBER),
        st.tuples(st.just("outreach"), st.just("draft"), st.just("--out"), st.just("d"), st.just("--channel"),
                  HOSTILE_TEXT, st.just("--override"), HOSTILE_TEXT),
        st.tuples(st.just("outreach"), st.just("follow-up"), st.just("--after"), HOSTILE_TEXT),
        st.tuples(st.just("outreach"), st.just("assign"), HOSTILE_TEXT, st.just("--owner"), HOSTILE_TEXT),
        st.tuples(st.just("outreach"), st.just("history"), HOSTILE_TEXT),
        st.tuples(st.just("outreach"), st.just("import"), file),
        st.tuples(st.just("leads"), st.just("--owners"), HOSTILE_TEXT),
        st.tuples(st.just("leads"), st.just("--crm"), HOSTILE_TEXT, UNWRITABLE),
        st.tuples(st.just("pipeline"), st.just("--status"), HOSTILE_TEXT, st.just("--limit"), NUMBER),
        st.tuples(st.just("crawl"), st.just("amazon"), st.just("--category"), HOSTILE_TEXT, st.just("--max-pages"),
                  st.just("1"), st.just("--host-map"), st.just("/nonexistent-map.json")),
        st.tuples(st.just("parse"), file),
        st.tuples(st.just("parse"), file, st.just("--max-bytes"), NUMBER),
        st.tuples(st.just("ingest"), file, st.just("--as-of"), HOSTILE_TEXT),
        st.tuples(st.just("reparse"), st.just("--marketplace"), HOSTILE_TEXT),
        st.tuples(st.just("forget"), HOSTILE_TEXT),
        st.tuples(st.just("dashboard"), st.just("--threshold"), NUMBER),
        st.tuples(st.just("replica"), st.just("truth"), st.just("--sellers"), NUMBER, st.just("--out"), UNWRITABLE),
    ).map(list)


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _counts(db: str) -> dict[str, int]:
    engine = make_engine(db)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in inspect(conn).get_table_names()}
    engine.dispose()
    return counts


@contextlib.contextmanager
def _in(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    import os

    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["scout", *args]
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.argv = old
        with warnings.catch_warnings():  # the command's engine, which a real process drops at exit
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    return (code if isinstance(code, int) else 1 if code else 0), out.getvalue(), err.getvalue()


@pytest.fixture
def scored(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    build_leads_db(db_url).dispose()
    monkeypatch.setenv("SCOUT_DB", db_url)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SCOUT_CONFIG", raising=False)
    for key, value in SENDER.items():  # a real sender: drafting is refused with the placeholders
        monkeypatch.setenv(f"SCOUT_OUTREACH_{key.upper()}", value)
    return db_url


@pytest.mark.slow
def test_hostile_arguments_never_end_in_an_internal_error(scored: str, tmp_path: Path) -> None:
    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        args = data.draw(_commands(tmp_path))
        before = _counts(scored)
        with _in(tmp_path), pytest.MonkeyPatch.context() as patch:
            patch.setattr("sys.stdin", io.StringIO(""))
            code, out, err = _run([*args, "--yes"] if args[0] in ("forget",) else args)
        assert code != 70, (args, err)
        assert "Traceback" not in err + out, (args, err)
        if code not in (0, 1, 2, 3):
            pytest.fail(f"unexpected exit {code} for {args!r}: {err}")
        if code != 0:
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith("error: "), (args, err)
            assert _counts(scored) == before, args  # a refused command changes nothing

    check()


@pytest.mark.parametrize(("args", "needle"), [
    (["leads", "--top", "99999999999999999999999"], "top must be at least 1 and at most 100,000"),
    (["leads", "--xlsx", "/nonexistent/x.xlsx"], "cannot write /nonexistent/x.xlsx"),
    (["leads", "--csv", "/nonexistent/x.csv"], "cannot write /nonexistent/x.csv"),
    (["outreach", "draft", "--out", "/proc/scout-drafts"], "cannot create /proc/scout-drafts"),
    (["outreach", "draft", "--out", "taken", "--format", "csv"], "cannot write drafts in taken"),
    (["ingest", "page.html", "--as-of", "2099-01-01"], "--as-of '2099-01-01' is in the future"),
    (["reparse", "--marketplace", "foo"], "unknown marketplace 'foo'"),
    (["crawl", "amazon", "--category", "electronic"], "unknown category 'electronic' (Scout categories: electronics"),
    (["ingest", "page.html", "big.html", "--max-bytes", "100"], "(--max-bytes to raise it); nothing was stored"),
    (["replica", "truth", "--sellers", "99999999999", "--out", "t.csv"], "--sellers"),
])
def test_what_used_to_end_in_an_internal_error_is_one_line(scored: str, tmp_path: Path, args: list[str],
                                                           needle: str) -> None:
    (tmp_path / "page.html").write_text("<html>Robot Check amazon</html>", encoding="utf-8")
    (tmp_path / "big.html").write_text("<html>" + "x" * 987 + "</html>", encoding="utf-8")  # 1,000 bytes
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "drafts.csv").mkdir()  # where the drafts would go: not writable
    before = _counts(scored)
    with _in(tmp_path):
        code, out, err = _run(args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code not in (0, 70) and len(lines) == 1 and needle in lines[0], (code, err)
    assert _counts(scored) == before
    assert not [p for p in (tmp_path / "taken").iterdir() if p.is_file()]
