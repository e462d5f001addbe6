"""The files and folders Scout wrote on this machine: drafts, exports and database backups.

Each write is recorded in a small local file (`outputs.jsonl` in the state folder, never in the database, which a
team may share), so `scout forget` can find every copy of a business it must erase, and so no command ever deletes
a file because a path stored in the database says so: only files inside folders recorded here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

KINDS = ("drafts", "export", "backup")
RECORD_FILE = "outputs.jsonl"


@dataclass(frozen=True)
class Output:
    """One recorded write: a folder of drafts, an exported file, or a database backup."""

    path: Path
    kind: str
    written_at: str


def state_folder(state_dir: str = "", environ: Mapping[str, str] | None = None) -> Path:
    """Where Scout keeps its local records: the setting, else $XDG_STATE_HOME/scout, else ~/.local/state/scout."""
    if state_dir:
        return Path(state_dir).expanduser()
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "scout"


def record_output(folder: Path, path: Path, kind: str, *, now: datetime | None = None) -> None:
    """Note that Scout wrote `path` (a file, or a folder of drafts); best effort, never fails the write itself."""
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    line = json.dumps({"path": str(path.resolve()), "kind": kind,
                       "written_at": (now or datetime.now(UTC)).isoformat()}, ensure_ascii=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / RECORD_FILE).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:
        return  # an unwritable state folder must not lose the drafts or export the user asked for


def recorded_outputs(folder: Path) -> list[Output]:
    """Every recorded write, newest last, once per (path, kind); lines that cannot be read are skipped."""
    try:
        lines = (folder / RECORD_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found: dict[tuple[str, str], Output] = {}
    for line in lines:
        try:
            data = json.loads(line)
            output = Output(Path(data["path"]), str(data["kind"]), str(data.get("written_at", "")))
        except (ValueError, KeyError, TypeError):
            continue
        if output.kind in KINDS:
            found.pop((str(output.path), output.kind), None)
            found[str(output.path), output.kind] = output
    return list(found.values())


def inside_recorded(path: Path, outputs: list[Output]) -> bool:
    """Whether `path` is a recorded file, or lies inside a recorded folder (symlinks resolved)."""
    target = path.resolve()
    for output in outputs:
        root = output.path.resolve()
        if target == root or (root.is_dir() and target.is_relative_to(root)):
            return True
    return False
