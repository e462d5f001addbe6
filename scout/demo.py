"""`scout demo`: the whole job on a synthetic world, end to end, on this machine alone.

replica → crawl (day 0) → crawl (day 1, to see growth) → score → match → suppression sample → leads CSV
→ drafts → dashboard. Every artefact goes into one output folder.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from scout.crawl.run import fetch_config, run_crawl
from scout.crawl.sources import CrawlScope
from scout.crawl.summary import CrawlSummary
from scout.errors import InputError
from scout.identity.linking import match_businesses
from scout.identity.suppression import import_suppressions
from scout.outreach.run import draft_offers
from scout.replica.server import run_replica
from scout.replica.world import World, build_world, export_ground_truth
from scout.scoring.export import export_csv
from scout.scoring.leads import select_leads
from scout.scoring.stored import score_database
from scout.settings import Settings

DAYS_BETWEEN_CRAWLS = 7
DRAFTS = 20
CHANNEL_EXAMPLES = 3  # e-mail drafts and phone scripts drafted as examples beyond the top leads
EXAMPLES_FROM = 300  # leads they are picked from
DEMO_CREDENTIALS = {"ebay_client_id": "scout-demo", "ebay_client_secret": "scout-demo-secret",
                    "etsy_api_key": "scout-demo-key"}
StepCallback = Callable[[str, str], None]  # (step name, what it produced)


@dataclass
class DemoReport:
    """What the demo produced and where."""

    out_dir: Path
    db_path: Path
    crawls: list[CrawlSummary] = field(default_factory=list)
    artefacts: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)


def demo_settings(settings: Settings, db_path: Path) -> Settings:
    """The user's settings pointed at the demo database, with credentials the replica accepts.

    Politeness stays on in spirit (robots.txt obeyed, identifying User-Agent) but the per-host delay is
    dropped: the replica is our own server on loopback.
    """
    crawler = replace(settings.crawler, per_host_delay=0.0, api_per_host_delay=0.0)
    credentials = replace(settings.credentials, **{k: getattr(settings.credentials, k) or v
                                                  for k, v in DEMO_CREDENTIALS.items()})
    return replace(settings, db=str(db_path), crawler=crawler, credentials=credentials)


def prepare_out_dir(out_dir: Path) -> Path:
    """An output folder for the demo; a previous demo's database there is replaced."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "scout-demo.db"
    for stale in out_dir.glob("scout-demo.db*"):
        stale.unlink()
    drafts = out_dir / "drafts"
    if drafts.is_dir():
        shutil.rmtree(drafts)
    return db_path


def crawl_world(engine: Engine, settings: Settings, world: World, on_step: StepCallback,
                scope: CrawlScope) -> list[CrawlSummary]:
    """Serve the world on loopback and crawl every marketplace on day 0 and again on day 1.

    The replica's two days stand for two crawls a week apart, so day 0's fetches are dated a week back
    (through the fetcher's wall clock): that is what lets momentum show.
    """
    summaries = []
    with run_replica(world, day=0) as replica:
        config = fetch_config(settings, replica.host_map)
        for day in (0, 1):
            replica.set_day(day)
            offset = timedelta(days=DAYS_BETWEEN_CRAWLS * (day - 1))
            summary = run_crawl(engine, settings, sources=list(scope_sources()), scope=scope,
                                host_map=replica.host_map, config=config,
                                wall_clock=shifted_clock(offset))
            summaries.append(summary)
            pages = sum(s.ok for s in summary.sources.values())
            new = sum(s.sellers_new for s in summary.sources.values())
            again = sum(s.sellers_updated for s in summary.sources.values())
            when = "a week ago" if day == 0 else "today"
            on_step(f"crawl day {day}", f"{when}: {pages} pages, {new} new sellers, {again} seen again "
                                        f"({len(replica.requests)} requests served)")
    return summaries


def shifted_clock(offset: timedelta) -> Callable[[], datetime]:
    """A wall clock that reads `offset` away from now."""
    return lambda: datetime.now(UTC) + offset


def scope_sources() -> tuple[str, ...]:
    """Every marketplace the demo crawls."""
    from scout.crawl.sources import SOURCES

    return tuple(SOURCES)


def write_suppression_sample(world: World, path: Path, count: int = 5) -> int:
    """A CSV of a few businesses 'already on our marketplace', as a team would import it."""
    rows = export_ground_truth(world)
    names: list[str] = []
    for row in rows:
        name = row.get("business_name") or row.get("name")
        if name and name not in names and not str(name).startswith(("=", "+", "-", "@")):
            names.append(str(name))
        if len(names) == count:
            break
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "note"])
        writer.writerows([name, "already selling with us"] for name in names)
    return len(names)


def run_demo(settings: Settings, out_dir: Path, *, seed: int = 7, sellers: int = 1500,
             on_step: StepCallback | None = None, now: datetime | None = None) -> DemoReport:
    """Run the whole chain on a synthetic world; returns where every artefact was written."""
    step = on_step or (lambda name, detail: None)
    db_path = prepare_out_dir(out_dir)
    settings = demo_settings(settings, db_path)
    report = DemoReport(out_dir, db_path)
    world = build_world(seed=seed, sellers=sellers)
    step("world", f"{len(world.businesses)} businesses with {len(world.storefronts)} storefronts (seed {seed})")
    engine = make_engine(str(db_path))
    upgrade(engine, backup=False)
    report.crawls = crawl_world(engine, settings, world, step, CrawlScope())
    with session_scope(engine) as session:
        matched = match_businesses(session)
    step("match", f"{matched.storefronts} storefronts linked into {matched.businesses} businesses "
                  f"({matched.multi_storefront} on several marketplaces)")
    sample = out_dir / "already-onboarded.csv"
    write_suppression_sample(world, sample)
    with session_scope(engine) as session:
        imported = import_suppressions(session, sample)
    report.artefacts["suppression sample"] = sample
    step("suppress", f"{imported.added} sellers already on our marketplace imported from {sample}")
    when = now or datetime.now(UTC)
    with session_scope(engine) as session:
        summary = score_database(session, settings.scoring, when)
    step("score", f"{summary.storefronts} storefronts and {summary.businesses} businesses scored "
                  f"({summary.insufficient} with too little data)")
    leads_csv = out_dir / "leads.csv"
    with session_scope(engine) as session:
        leads = select_leads(session, top=50)
    export_csv(leads, leads_csv, bom=True)
    report.artefacts["leads CSV"] = leads_csv
    step("leads", f"top {len(leads)} businesses written to {leads_csv}")
    drafts_dir = out_dir / "drafts"
    with session_scope(engine) as session:
        drafted = draft_offers(session, settings.outreach, out_dir=drafts_dir, now=when, top=DRAFTS, fmt="md")
    with session_scope(engine) as session:
        draft_offers(session, settings.outreach, out_dir=drafts_dir, now=when, top=DRAFTS, fmt="csv")
    examples = []  # the gate rarely picks e-mail or phone for the top leads: show each from the next leads
    for channel in ("email", "phone"):
        with session_scope(engine) as session:
            examples += draft_offers(session, settings.outreach, out_dir=drafts_dir, now=when, top=EXAMPLES_FROM,
                                     fmt="md", channel=channel, max_drafts=CHANNEL_EXAMPLES,
                                     new_only=True).drafted
    languages = Counter(outcome.draft.language for outcome in drafted.drafted)
    channels = Counter(o.draft.channel.name for o in [*drafted.drafted, *examples] if o.draft.channel)
    report.artefacts["drafts"] = drafts_dir
    step("drafts", f"{len(drafted.drafted)} offer drafts ({', '.join(f'{n} {lang}' for lang, n in languages.items())})"
                   f" with the first {settings.outreach.free_months} months free, and {len(examples)} e-mail and "
                   f"phone examples from the next leads, in {drafts_dir}; by channel (each draft names the rule): "
                   + ", ".join(f"{n} {name}" for name, n in channels.most_common()))
    report.artefacts["database"] = db_path
    engine.dispose()
    return report
