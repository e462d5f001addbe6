"""`scout replica`: Scout's local stand-in for the marketplaces, for demos, tests and benchmarks."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Annotated

import typer

from scout.cli.console import stdout_console
from scout.errors import InputError
from scout.replica.faults import FAULT_KINDS, Faults

app = typer.Typer(help="Serve Scout's marketplace replica on loopback.\n\nExample: scout replica serve --sellers 2000",
                  no_args_is_help=True, rich_markup_mode=None)

SeedOpt = Annotated[int, typer.Option("--seed", help="seed of the synthetic world")]
SellersOpt = Annotated[int, typer.Option("--sellers", min=1, max=200_000, help="businesses in the world")]
FAULT_NAMES = {kind.removeprefix("status_"): kind for kind in FAULT_KINDS}


def parse_faults(specs: list[str], seed: int) -> Faults:
    """`429=0.2`, `captcha=0.1`, `5xx=0.05`, `sticky` … into replica fault switches."""
    values: dict[str, object] = {"seed": seed}
    for spec in specs:
        name, _, rate = spec.partition("=")
        name = name.strip().lower()
        if name == "sticky":
            values["sticky"] = True
            continue
        if name not in FAULT_NAMES:
            raise InputError(f"unknown fault {name!r} (known: {', '.join(sorted(FAULT_NAMES))}, sticky)")
        try:
            share = float(rate or 1.0)
        except ValueError:
            raise InputError(f"fault rate {rate!r} is not a number (use e.g. {name}=0.1)") from None
        if not 0 <= share <= 1:
            raise InputError(f"fault rate {rate!r} is not a share of requests between 0 and 1 (use e.g. {name}=0.1)")
        values[FAULT_NAMES[name]] = share
    return Faults(**values)  # type: ignore[arg-type]


@app.command("serve")
def serve(
    seed: SeedOpt = 7,
    sellers: SellersOpt = 3000,
    day: Annotated[int, typer.Option("--day", min=0, max=1, help="serve the world as of day 0 or day 1")] = 0,
    fault: Annotated[list[str] | None, typer.Option("--fault", help="inject a fault: 429=0.2, 5xx=0.1, slow, "
                                                    "reset, truncate, captcha, drift, oversize, redirect_loop, "
                                                    "offsite_redirect, sticky; repeatable")] = None,
    host_map: Annotated[Path, typer.Option("--host-map", help="where to write the host map for `scout crawl "
                                           "--host-map`")] = Path("replica.json"),
) -> None:
    """Serve every marketplace of a synthetic world on free loopback ports until Ctrl-C.

    Writes a host map file; `scout crawl --host-map replica.json` then crawls the replica instead of the
    real sites, with the same URLs, parsers and politeness.

    Example: scout replica serve --sellers 500 --fault 429=0.1 --host-map replica.json
    """
    from scout.replica.server import run_replica
    from scout.replica.world import build_world

    faults = parse_faults(list(fault or []), seed)
    world = build_world(seed=seed, sellers=sellers)
    console = stdout_console()
    with run_replica(world, faults=faults, day=day) as replica:
        try:
            host_map.write_text(json.dumps({"seed": seed, "sellers": sellers, "day": day,
                                            "base_urls": replica.base_urls, "host_map": replica.host_map}, indent=2),
                                encoding="utf-8")
        except OSError as err:
            raise InputError(f"cannot write the host map {host_map}: {err.strerror or err}") from None
        for marketplace, base in replica.base_urls.items():
            console.print(f"{marketplace:<13} {base}")
        console.print(f"host map written to {host_map}; Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            console.print(f"stopped after {len(replica.requests)} requests")


@app.command("truth")
def truth(
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV or JSON file (by extension)")],
    seed: SeedOpt = 7,
    sellers: SellersOpt = 3000,
) -> None:
    """Export which storefronts belong to which business in a replica world (ground truth for matching).

    Example: scout replica truth --sellers 500 --out truth.csv
    """
    from scout.replica.world import build_world, export_ground_truth

    rows = export_ground_truth(build_world(seed=seed, sellers=sellers))
    try:
        if out.suffix.lower() == ".json":
            out.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
        else:
            with out.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else [])
                writer.writeheader()
                writer.writerows(rows)
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    stdout_console().print(f"{len(rows)} storefronts written to {out}")


