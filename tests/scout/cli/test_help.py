"""Every command explains itself: help text with an `Example:` line, and a summary that matches it."""

from __future__ import annotations

from typing import Any

import pytest

from scout.cli import COMMANDS, load_command
from tests.scout.cli_runner import run_scout


def _walk(command: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found.extend(_walk(sub, (*path, name)))
    return found


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    for path, command in _walk(load_command(name), (name,)):
        text = command.help or ""
        assert text.strip(), f"scout {' '.join(path)} has no help"
        assert "Example:" in text, f"scout {' '.join(path)} help has no Example: line"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_summary_scout_help_shows_is_the_commands_own_first_line(name: str) -> None:
    first_line = " ".join((load_command(name).help or "").split("\n\n")[0].split())
    assert first_line == COMMANDS[name].summary


def test_scout_help_lists_every_command(tmp_path: Any) -> None:
    result = run_scout("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_an_unknown_command_is_one_clear_error(tmp_path: Any) -> None:
    result = run_scout("lead", cwd=tmp_path)
    assert result.returncode == 2 and "No such command 'lead'" in result.stderr
    assert "Traceback" not in result.stderr
