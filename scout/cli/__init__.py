"""The `scout` command line: a thin layer over the core. Each command group lives in its own module.

Start-up is kept to what the command runs: the commands are listed below with their one-line summaries, so
`scout --help` imports none of their modules, and `scout COMMAND` imports that command's module only. Command
modules import typer and light constants at the top and the core (SQLAlchemy, the crawler, rich tables) inside
the functions that use it (tests/scout/cli/test_startup.py holds them to it).
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

import typer
import typer.main
from typer import _click as click
from typer.core import TyperGroup
from typer.models import CommandInfo

from scout import __version__
from scout.cli.console import print_error
from scout.errors import USER_ERRORS, Interrupted
from scout.settings import Settings, load_settings


@dataclass
class AppState:
    """What the global options decided, handed to every command through the typer context."""

    settings: Settings
    debug: bool = False


class Command(NamedTuple):
    """Where a command lives, and the summary `scout --help` shows for it without importing it."""

    module: str  # under scout.cli
    attribute: str  # a typer.Typer for a group of commands, else the command function
    summary: str


COMMANDS: dict[str, Command] = {
    "demo": Command("demo_cmd", "demo", "Run Scout end to end against its own replica of the marketplaces: no network "
                                        "needed."),
    "db": Command("db_cmd", "app", "Create, upgrade and inspect Scout's database."),
    "crawl": Command("crawl_cmd", "crawl", "Crawl marketplaces politely: rankings and searches through to seller "
                                           "profiles."),
    "reparse": Command("crawl_cmd", "reparse", "Re-run today's parsers over archived pages, without the network (e.g. "
                                               "after a parser fix)."),
    "parse": Command("parse_cmd", "parse", "Parse saved pages or API responses and show the records (nothing is "
                                           "stored)."),
    "ingest": Command("parse_cmd", "ingest", "Store saved pages or API responses as snapshots with provenance; "
                                             "ingesting again changes nothing."),
    "match": Command("identity_cmd", "match", "Link storefronts of one business across marketplaces and store the "
                                              "businesses."),
    "suppress": Command("identity_cmd", "app", "Businesses never to contact: sellers already on our marketplace, "
                                               "do-not-contact requests."),
    "score": Command("leads_cmd", "score", "Recompute every seller's and business's score from the database and store "
                                           "them for `scout leads`."),
    "explain": Command("leads_cmd", "explain_cmd", "Show how a business's or storefront's score was made: each "
                                                   "component's value and weight, and the assumptions behind its "
                                                   "revenue range."),
    "calibrate": Command("calibrate_cmd", "calibrate", "Fit each marketplace's feedback rate range (ratings per "
                                                       "order) from storefronts showing both a sales count and a "
                                                       "rating count, and print it with the number of storefronts "
                                                       "behind it."),
    "leads": Command("leads_cmd", "leads", "List the best businesses to approach, one row per business, from the "
                                           "scores of `scout score`."),
    "outreach": Command("outreach_cmd", "app", "Onboarding offers: draft them for the top leads, record where each "
                                               "one stands."),
    "pipeline": Command("outreach_cmd", "pipeline", "Show how many offers are in each status and list the active ones "
                                                    "(drafted, sent, replied)."),
    "forget": Command("privacy_cmd", "forget_cmd", "Erase a business (or a lone storefront) and everything about it, "
                                                    "keeping only a do-not-contact entry."),
    "dashboard": Command("dashboard_cmd", "dashboard", "Show the state of Scout at a glance: sellers and leads, the "
                                                       "top businesses, the outreach pipeline, momentum movers and "
                                                       "the health of each source's last crawl."),
    "replica": Command("replica_cmd", "app", "Serve Scout's marketplace replica on loopback."),
    "settings": Command("settings_cmd", "show_settings", "Show every setting: its scout.toml key, environment "
                                                         "variable, current value and meaning."),
}
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def load_command(name: str) -> Any:
    """The click command (or group) of one Scout command, importing only its module."""
    spec = COMMANDS[name]
    target = getattr(importlib.import_module(f"scout.cli.{spec.module}"), spec.attribute)
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    return typer.main.get_command_from_info(CommandInfo(name=name, callback=target), pretty_exceptions_short=True,
                                            rich_markup_mode=None)


class LazyGroup(TyperGroup):
    """Scout's commands, each loaded from its module only when it is the one asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, spec.summary if len(spec.summary) <= limit else spec.summary[:limit - 3].rstrip() + "...")
                for name, spec in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="scout",
    cls=LazyGroup,
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


def main() -> None:
    """Entry point: run the app, turning every error a user can cause into one red line and a non-zero exit."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("SCOUT_DEBUG") == "1"
    try:
        code = app(standalone_mode=False)  # click's own errors come back here, to be said in one line too
    except click.exceptions.NoArgsIsHelpError as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.ClickException as err:  # a usage error: an unknown option, a value of the wrong type
        ctx = getattr(err, "ctx", None)
        command = ctx.command_path if ctx is not None else "scout"
        print_error(f"{err.format_message()} (see `{command} --help`)")
        sys.exit(err.exit_code)
    except typer.Abort:
        print_error("interrupted")
        sys.exit(INTERRUPTED_EXIT)
    except Interrupted as err:
        print_error(str(err))
        sys.exit(INTERRUPTED_EXIT)
    except USER_ERRORS as err:
        if debug:
            raise
        print_error(str(err))
        sys.exit(1)
    except KeyboardInterrupt:  # outside typer's reach: while loading the command
        print_error("interrupted")
        sys.exit(INTERRUPTED_EXIT)
    except Exception as err:  # a bug: say so in one line, the traceback is one flag away
        if debug:
            raise
        print_error(f"internal error: {type(err).__name__}: {err} (run with --debug for the traceback)")
        sys.exit(70)
    if code == INTERRUPTED_EXIT:  # typer turns Ctrl-C inside a command into exit 130, silently
        print_error("interrupted")
    sys.exit(code if isinstance(code, int) else 0)
