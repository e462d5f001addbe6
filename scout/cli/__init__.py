"""The `scout` command line: a thin layer over the core. Each command group lives in its own module."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from scout import __version__
from scout.cli.console import print_error
from scout.errors import USER_ERRORS, Interrupted
from scout.settings import Settings, load_settings


@dataclass
class AppState:
    """What the global options decided, handed to every command through the typer context."""

    settings: Settings
    debug: bool = False


app = typer.Typer(
    name="scout",
    help="Find the best-performing sellers on rival marketplaces and draft onboarding offers.\n\n"
         "Example: scout db init && scout db stats",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scout {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="SQLite path or SQLAlchemy URL [env: SCOUT_DB]",
                                           show_default="scout.db")] = None,
    config: Annotated[str | None, typer.Option("--config", help="settings file [env: SCOUT_CONFIG]",
                                               show_default="./scout.toml if present")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks on errors")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """Find the best-performing sellers on rival marketplaces and draft onboarding offers.

    Settings come from defaults < scout.toml < SCOUT_* environment < flags; see `scout settings`.

    Example: scout --db team.db db stats
    """
    ctx.obj = AppState(settings=load_settings(config, overrides={"db": db}), debug=debug)


# command name -> (module under scout.cli, attribute, is a group). Modules are imported only for the command
# being run (all of them for --help), so `scout leads` does not pay for importing the crawler.
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "db": ("db_cmd", "app", True),
    "parse": ("parse_cmd", "parse", False),
    "ingest": ("parse_cmd", "ingest", False),
    "crawl": ("crawl_cmd", "crawl", False),
    "reparse": ("crawl_cmd", "reparse", False),
    "replica": ("replica_cmd", "app", True),
    "score": ("leads_cmd", "score", False),
    "explain": ("leads_cmd", "explain_cmd", False),
    "leads": ("leads_cmd", "leads", False),
    "match": ("identity_cmd", "match", False),
    "suppress": ("identity_cmd", "app", True),
    "settings": ("settings_cmd", "show_settings", False),
    "outreach": ("outreach_cmd", "app", True),
    "pipeline": ("outreach_cmd", "pipeline", False),
    "forget": ("outreach_cmd", "forget_cmd", False),
    "dashboard": ("dashboard_cmd", "dashboard", False),
    "demo": ("demo_cmd", "demo", False),
}
_registered: set[str] = set()
GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--config")
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def register(only: str | None = None) -> typer.Typer:
    """Attach the commands to the app: just `only` when it names one, else all of them."""
    for name, (module_name, attribute, is_group) in COMMANDS.items():
        if (only is not None and name != only) or name in _registered:
            continue
        target = getattr(importlib.import_module(f"scout.cli.{module_name}"), attribute)
        if is_group:
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
        _registered.add(name)
    return app


def command_in(argv: list[str]) -> str | None:
    """The command named on a command line, skipping global options and their values."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main() -> None:
    """Entry point: run the app, turning Scout's errors into one red line and a non-zero exit."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("SCOUT_DEBUG") == "1"
    try:
        argv = sys.argv[1:]
        register(command_in(argv) or ("settings" if "--version" in argv else None))
        app()
    except SystemExit as exit_:
        if exit_.code == INTERRUPTED_EXIT:  # typer turns Ctrl-C inside a command into a silent exit 130
            print_error("interrupted")
        raise
    except Interrupted as err:
        print_error(str(err))
        sys.exit(INTERRUPTED_EXIT)
    except USER_ERRORS as err:
        if debug:
            raise
        print_error(str(err))
        sys.exit(1)
    except KeyboardInterrupt:  # outside typer's reach: while registering the command
        print_error("interrupted")
        sys.exit(INTERRUPTED_EXIT)
    except Exception as err:  # a bug: say so in one line, the traceback is one flag away
        if debug:
            raise
        print_error(f"internal error: {type(err).__name__}: {err} (run with --debug for the traceback)")
        sys.exit(70)
