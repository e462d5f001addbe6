"""Run the real `scout` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_scout(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120,
              input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m scout ARGS` in `cwd`, with a clean SCOUT_* environment plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_") or k == "SCOUT_REAL_PAGES"}
    base.update({"NO_COLOR": "1", "COLUMNS": "120", "PYTHONWARNINGS": "ignore"})
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "scout", *args], cwd=cwd, env=base, capture_output=True,
                          text=True, timeout=timeout, input=input_text)


def assert_one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """A failed command printed exactly one `error:` line on stderr, no traceback, and exited non-zero."""
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
