"""`scout --help` and `scout COMMAND --help` import only what help needs: no database layer, no HTTP stack,
no rich tables (benchmarks/startup.py times them)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scout.cli import COMMANDS

HEAVY = ("sqlalchemy", "sqlmodel", "aiohttp", "httpx", "rich.table", "selectolax", "jinja2")
PROBE = """
import runpy, sys
sys.argv = ["scout", *sys.argv[1:]]
try:
    runpy.run_module("scout", run_name="__main__")
except SystemExit as exit_:
    assert exit_.code in (0, None), exit_.code
print("imported:" + ",".join(name for name in {heavy!r} if name in sys.modules))
"""


def _heavy_modules_imported(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    return [name for name in result.stdout.rpartition("imported:")[2].strip().split(",") if name]


@pytest.mark.parametrize("args", [["--help"], ["--version"], *([name, "--help"] for name in COMMANDS)],
                         ids=lambda args: " ".join(args))
def test_help_imports_neither_the_database_layer_nor_http(args: list[str]) -> None:
    assert _heavy_modules_imported(*args) == []


def test_a_group_commands_help_is_light_too() -> None:
    assert _heavy_modules_imported("outreach", "draft", "--help") == []
    assert _heavy_modules_imported("db", "stats", "--help") == []
