"""Whole-process start-up of the `scout` command: `--help`, `--version`, `COMMAND --help` and `leads --top 50`.

Each command runs as a user runs it (a new Python process, the installed console script), `--repeat` times;
the table gives the median and the fastest run. Targets: `--help` and `COMMAND --help` <= 300 ms, `leads --top 50`
over a million scored sellers <= 1 s (run benchmarks/leads.py for that database; here `--sellers` sets its size).

Run: python benchmarks/startup.py [--repeat 15] [--sellers 100000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.leads import build_scored_db  # noqa: E402

HELP_TARGET_MS = 300


def scout_command() -> list[str]:
    """The installed console script next to this Python, else `python -m scout`."""
    script = Path(sys.executable).with_name("scout")
    return [str(script)] if script.exists() else [sys.executable, "-m", "scout"]


def timed(args: list[str], repeat: int) -> tuple[float, float]:
    """(median, fastest) wall time in ms of running `args` `repeat` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sellers", type=int, default=100_000, help="scored sellers for `leads --top 50`")
    args = parser.parse_args()
    scout = scout_command()
    cases: list[tuple[str, list[str], float | None]] = [
        ("python -c pass (the floor)", [sys.executable, "-c", "pass"], None),
        ("scout --help", [*scout, "--help"], HELP_TARGET_MS),
        ("scout --version", [*scout, "--version"], HELP_TARGET_MS),
        *((f"scout {name} --help", [*scout, *name.split(), "--help"], HELP_TARGET_MS)
          for name in ("leads", "crawl", "outreach draft", "db stats", "demo", "suppress add")),
    ]
    folder = Path(tempfile.mkdtemp(prefix="scout-startup-"))
    try:
        db = folder / "leads.db"
        build_scored_db(db, args.sellers)
        cases.append((f"scout leads --top 50 ({args.sellers:,} sellers)", [*scout, "--db", str(db), "leads", "--top",
                                                                            "50"], 1000))
        print(f"{'command':<48}{'median ms':>10}{'fastest':>10}{'target':>9}")
        for label, command, target in cases:
            median, fastest = timed(command, args.repeat)
            verdict = "" if target is None else f"{'<=' if median <= target else '> '}{target:.0f}"
            print(f"{label:<48}{median:>10.0f}{fastest:>10.0f}{verdict:>9}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
