"""Run the real `scout` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SENDER = {"sender_name": "Dana Reyes", "sender_email": "dana@marketplace.example",
          "company_name": "Example Marketplace Ltd", "postal_address": "2 Quay Street, Dublin D02, Ireland"}


def write_sender(folder: Path) -> Path:
    """A `scout.toml` in `folder` with a real sender, as a team sets it up before drafting (the placeholders are
    refused outside `scout demo`)."""
    path = folder / "scout.toml"
    path.write_text("[outreach]\n" + "".join(f'{k} = "{v}"\n' for k, v in SENDER.items()), encoding="utf-8")
    return path


def _scout_env(env: dict[str, str] | None, cwd: Path) -> dict[str, str]:
    """This environment without SCOUT_* settings (but the captures' folder), plain output, Scout's record of the
    files it wrote kept in `cwd`, plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_") or k == "SCOUT_REAL_PAGES"}
    base.update({"NO_COLOR": "1", "COLUMNS": "120", "PYTHONWARNINGS": "ignore",
                 "XDG_STATE_HOME": str(cwd / ".state")})
    base.update(env or {})
    return base


def run_scout(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120,
              input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m scout ARGS` in `cwd`, with a clean SCOUT_* environment plus `env` (its state folder in `cwd`)."""
    return subprocess.run([sys.executable, "-m", "scout", *args], cwd=cwd, env=_scout_env(env, cwd),
                          capture_output=True, text=True, timeout=timeout, input=input_text)


def interrupt_scout(*args: str, cwd: Path, ready: Callable[[str], bool], env: dict[str, str] | None = None,
                    timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m scout ARGS` as `run_scout` runs it, sent Ctrl-C (SIGINT) once `ready(its output so far)` holds,
    or it ended, or `timeout` seconds passed; then waited for."""
    with tempfile.TemporaryDirectory() as folder:
        out_path = Path(folder) / "stdout.txt"
        with out_path.open("w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "scout", *args], cwd=cwd, env=_scout_env(env, cwd),
                                    stdout=out, stderr=subprocess.PIPE, text=True)
            try:
                deadline = time.monotonic() + timeout
                while not ready(out_path.read_text()) and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                proc.send_signal(signal.SIGINT)
                _, stderr = proc.communicate(timeout=timeout)
            finally:
                if proc.poll() is None:
                    proc.kill()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out_path.read_text(), stderr)


def assert_one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """A failed command printed exactly one `error:` line on stderr, no traceback, and exited non-zero."""
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
