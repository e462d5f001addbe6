"""Every command explains itself: help text with an `Example:` line."""

from __future__ import annotations

from typing import Any

import typer.main

from scout.cli import register


def _walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            found.extend(_walk(sub, (*path, name)))
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _walk(typer.main.get_command(register()))
    assert len(commands) > 3
    for path, command in commands:
        text = command.help or ""
        assert text.strip(), f"scout {' '.join(path)} has no help"
        assert "Example:" in text, f"scout {' '.join(path)} help has no Example: line"


def test_the_command_is_found_after_global_options() -> None:
    from scout.cli import command_in

    assert command_in(["--db", "x.db", "--debug", "leads", "--top", "5"]) == "leads"
    assert command_in(["--config", "leads", "db", "stats"]) == "db"
    assert command_in(["--help"]) is None
    assert command_in(["nonsense"]) is None
