"""Consoles and the one-red-line error format. Consoles are made per call so tests can capture them.

rich is imported when a console is made, not when this module is: `--help` never pays for it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from scout.sanitize import strip_control

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def stdout_console() -> Console:
    """The console commands print results to."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """The console errors and progress go to."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def safe_text(value: object, style: str | None = None) -> Text:
    """Scraped text as a rich Text: no markup interpreted, no control or ANSI characters."""
    from rich.text import Text

    return Text("" if value is None else strip_control(str(value)), style=style or "")


def print_error(message: str) -> None:
    """One red line on stderr."""
    line = strip_control(message)
    if os.environ.get("NO_COLOR") or not sys.stderr.isatty():
        sys.stderr.write(f"error: {line}\n")
        sys.stderr.flush()
        return
    from rich.text import Text

    stderr_console().print(Text(f"error: {line}", style="bold red"), soft_wrap=True)


def confirm(question: str) -> None:
    """Ask `question` (y/N); anything but yes, or no answer at all, stops the command with nothing changed."""
    import typer

    from scout.errors import InputError

    try:
        agreed = typer.confirm(strip_control(question), default=False)
    except typer.Abort:
        agreed = False
    if not agreed:
        raise InputError("not confirmed: nothing was changed (--yes answers yes)")
