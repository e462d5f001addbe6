"""`scout settings`: every setting, where it is read from, and its value now."""

from __future__ import annotations

import typer

from scout.cli.console import safe_text, stdout_console
from scout.settings import describe_settings

SECRET_KEYS = ("credentials.",)


def show_settings(ctx: typer.Context) -> None:
    """Show every setting: its scout.toml key, environment variable, current value and meaning.

    Credentials show as (set) or (not set), and a database URL's password as ***.

    Example: SCOUT_CRAWLER_PER_HOST_DELAY=2 scout settings
    """
    from rich.table import Table

    from db.engine import hide_password

    settings = ctx.obj.settings
    table = Table(title="Scout settings (defaults < scout.toml < SCOUT_* environment < flags)")
    for column in ("scout.toml key", "environment", "value", "meaning"):
        table.add_column(column)
    for key, env, _default, doc in describe_settings():
        value: object = settings
        for part in key.split("."):
            value = getattr(value, part)
        shown = ("(set)" if value else "(not set)") if key.startswith(SECRET_KEYS) else hide_password(repr(value))
        table.add_row(key, env, safe_text(shown), doc)
    stdout_console().print(table)
