"""Consoles and the one-red-line error format. Consoles are made per call so tests can capture them."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.text import Text

from scout.sanitize import strip_control


def stdout_console() -> Console:
    """The console commands print results to."""
    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """The console errors and progress go to."""
    return Console(stderr=True, highlight=False)


def safe_text(value: object, style: str | None = None) -> Text:
    """Scraped text as a rich Text: no markup interpreted, no control or ANSI characters."""
    return Text("" if value is None else strip_control(str(value)), style=style or "")


def print_error(message: str) -> None:
    """One red line on stderr."""
    line = strip_control(message)
    if os.environ.get("NO_COLOR") or not sys.stderr.isatty():
        sys.stderr.write(f"error: {line}\n")
        sys.stderr.flush()
        return
    stderr_console().print(Text(f"error: {line}", style="bold red"), soft_wrap=True)
