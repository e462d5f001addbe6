"""SQLModel tables: sellers with a snapshot per observation, rankings, crawls, archived pages, businesses,
suppression, outreach and its history. Every figure traces back to a page (URL, fetch time, parser version).

Datetimes are timezone-aware UTC (SQLModel's UTCDateTime stores them in UTC on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.clock import utcnow as utcnow  # the tables' default timestamps
from db.contact_models import CONTACT_FIELDS as CONTACT_FIELDS  # the contact fields pages show, with provenance
from db.contact_models import SellerContact as SellerContact
from db.score_models import LeadScore as LeadScore  # scout score's tables
from db.score_models import ScoreRun as ScoreRun
from db.score_models import SellerScore as SellerScore


class Crawl(SQLModel, table=True):
    """One run of `scout crawl` or `scout ingest`: what it fetched and how it went."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)  # marketplace name, "all", or "ingest"
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running")  # running | finished | interrupted | failed
    options: str = Field(default="{}")  # JSON of the options the crawl was started with
    pages_ok: int = 0
    pages_retried: int = 0
    pages_blocked: int = 0
    pages_drifted: int = 0
    pages_disallowed: int = 0
    pages_failed: int = 0
    pages_gone: int = 0  # 404/410: the page no longer exists
    pages_left: int = 0  # still pending when the crawl stopped
    sellers_new: int = 0
    sellers_updated: int = 0


class Page(SQLModel, table=True):
    """An archived fetch: enough to re-parse it later without the network."""

    __table_args__ = (UniqueConstraint("url", "content_hash", name="uq_page_url_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str  # indexed by uq_page_url_hash
    fingerprint: str = Field(index=True)  # canonical URL fingerprint (see scout.pages.urls)
    marketplace: str | None = Field(default=None, index=True)
    kind: str | None = None
    status: int = 200  # HTTP status; 0 for a file ingested from disk
    fetched_at: datetime = Field(default_factory=utcnow)
    content_hash: str  # sha256 of the uncompressed body
    content_type: str | None = None
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # zlib-compressed
    crawl_id: int | None = Field(default=None, foreign_key="crawl.id", index=True)
    parse_status: str | None = None  # ok | blocked | drifted | unknown
    parse_error: str | None = None
    parser_version: str | None = None


class Business(SQLModel, table=True):
    """One business, which may own storefronts on several marketplaces."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    normalized_name: str = Field(index=True)
    country: str | None = None
    website: str | None = None
    email_domain: str | None = None
    vat_number: str | None = None
    match_evidence: str | None = None  # why its storefronts were linked
    created_at: datetime = Field(default_factory=utcnow)


class Seller(SQLModel, table=True):
    """A storefront: one per (marketplace, the marketplace's own seller id)."""

    __table_args__ = (UniqueConstraint("marketplace", "seller_id", name="uq_seller_marketplace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    marketplace: str  # indexed by uq_seller_marketplace_id
    seller_id: str
    name: str | None = None
    site: str | None = None  # e.g. amazon.de
    url: str | None = None
    country: str | None = None
    business_name: str | None = None
    business_address: str | None = None
    vat_number: str | None = None  # as the storefront's page prints its business's VAT id: "DE281934705"
    phone: str | None = None  # the latest public contact details its pages show (each kept in seller_contact)
    email: str | None = None
    website: str | None = None
    trade_register: str | None = None  # trade register number, e.g. "HRB 12345, Amtsgericht München"
    business_type: str | None = None  # as the page states it: "Company", "Sole trader", "Einzelunternehmen"
    category: str | None = None  # the marketplace's own category code or path, as the profile shows it
    opened_on: str | None = None  # ISO date the store opened, where the profile shows it
    is_platform: bool = False
    business_id: int | None = Field(default=None, foreign_key="business.id", index=True)
    first_seen: datetime = Field(default_factory=utcnow, index=True)
    last_seen: datetime = Field(default_factory=utcnow)


class SellerSnapshot(SQLModel, table=True):
    """A seller's public figures as one page showed them at one time.

    A page body is archived once per distinct content; every fetch of it is an observation, so a crawl that
    finds a page unchanged still records a snapshot (seller, page, observed_at) for that crawl.
    """

    __table_args__ = (
        UniqueConstraint("seller_pk", "page_id", "observed_at", name="uq_snapshot_observation"),
        Index("ix_snapshot_seller_time", "seller_pk", "observed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seller_pk: int = Field(foreign_key="seller.id")
    crawl_id: int | None = Field(default=None, foreign_key="crawl.id", index=True)
    page_id: int = Field(foreign_key="page.id", index=True)
    source_url: str
    observed_at: datetime  # the page's fetch time (or --as-of for ingested files)
    parser_version: str
    positive_pct: float | None = None
    rating_count: int | None = None
    rating_window_days: int | None = None
    lifetime_rating_count: int | None = None
    stars: float | None = None
    sales_count: int | None = None
    sales_count_exact: bool = False
    listing_count: int | None = None
    followers: int | None = None
    recent_sales_count: int | None = None  # exact sales of the last recent_sales_days days (MercadoLibre: 60)
    recent_sales_days: int | None = None


class RankingEntry(SQLModel, table=True):
    """A product's place on a best-seller list, as one page showed it."""

    __tablename__ = "ranking_entry"
    __table_args__ = (UniqueConstraint("page_id", "rank", "observed_at", name="uq_ranking_observation"),)

    id: int | None = Field(default=None, primary_key=True)
    page_id: int = Field(foreign_key="page.id")  # indexed by uq_ranking_observation
    crawl_id: int | None = Field(default=None, foreign_key="crawl.id", index=True)
    marketplace: str = Field(index=True)
    site: str | None = None
    list_name: str | None = None  # category of the list
    rank: int
    product_id: str = Field(index=True)
    title: str | None = None
    stars: float | None = None
    rating_count: int | None = None
    price: float | None = None
    currency: str | None = None
    seller_pk: int | None = Field(default=None, foreign_key="seller.id", index=True)
    observed_at: datetime


class OfferRecord(SQLModel, table=True):
    """A seller's offer for a product, as one page showed it (links products to sellers, gives prices)."""

    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("page_id", "seller_pk", "product_id", "observed_at", name="uq_offer_observation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    page_id: int = Field(foreign_key="page.id")  # indexed by uq_offer_observation
    crawl_id: int | None = Field(default=None, foreign_key="crawl.id", index=True)
    seller_pk: int = Field(foreign_key="seller.id", index=True)
    product_id: str = Field(default="", index=True)
    title: str | None = None
    price: float | None = None
    currency: str | None = None
    category: str | None = None  # the marketplace's own category code or path of the product
    observed_at: datetime


class Suppression(SQLModel, table=True):
    """A business never to contact: already on our marketplace, or asked not to be contacted."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    normalized_name: str = Field(index=True)
    domain: str | None = None
    marketplace: str | None = None
    seller_id: str | None = None
    kind: str = "do_not_contact"  # do_not_contact | onboarded | existing_seller
    reason: str | None = None
    source: str | None = None  # file it was imported from, or "manual"
    created_at: datetime = Field(default_factory=utcnow)


class DoNotCollect(SQLModel, table=True):
    """A storefront whose details are never stored again (left by `scout forget`): its id, hashed, not kept."""

    __tablename__ = "do_not_collect"

    id: int | None = Field(default=None, primary_key=True)
    marketplace: str
    key_hash: str = Field(unique=True, index=True)  # db.store.collect_key(marketplace, seller id)
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Outreach(SQLModel, table=True):
    """The one active onboarding offer per business, who owns it, and where it stands in the pipeline."""

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", unique=True)
    status: str = "drafted"  # new (assigned, no draft) | drafted | sent | replied | onboarded | declined | opted-out
    offer_code: str = Field(unique=True)
    language: str = "en"
    free_months: int = 3
    commission_pct: float = 5.0
    expires_on: date | None = None
    draft_path: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    owner: str | None = Field(default=None, index=True)  # the team member working the lead
    next_step_on: date | None = Field(default=None, index=True)  # when the owner means to act next
    note: str | None = None  # the latest note (every note stays in the offer history)
    sent_at: datetime | None = None  # when it was last marked sent
    follow_ups: int = 0  # follow-up drafts written since it was sent
    followed_up_at: datetime | None = None
    channel: str | None = None  # email | letter | phone | marketplace: how its draft may reach the business
    channel_rule: str | None = None  # the rule of the channel gate that chose it (scout.outreach.channels)
    channel_override: str | None = None  # the team's recorded reason when it overrode the gate (consent received)


class OfferEvent(SQLModel, table=True):
    """One change to a business's offer: who, when, from what to what, and why. Append-only: rows are never
    updated, an undo is a new row naming the one it reverts, and only `scout forget` erases them."""

    __tablename__ = "offer_event"

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    offer_code: str | None = None  # None while the business has no offer record
    at: datetime = Field(default_factory=utcnow)
    by: str  # who made the change
    action: str  # draft | mark | assign | follow-up | undo
    from_status: str | None = None  # "new" when there was no offer
    to_status: str | None = None
    from_owner: str | None = None
    to_owner: str | None = None
    from_next_on: date | None = None
    to_next_on: date | None = None
    note: str | None = None
    source: str | None = None  # "cli", "import <file>", "leads"
    draft_path: str | None = None  # the draft a follow-up wrote
    suppression_ids: str | None = None  # comma-joined ids of the suppression entries the change added
    state_before: str | None = None  # JSON of the offer's tracked fields before the change (None: no record)
    undoes: int | None = Field(default=None, foreign_key="offer_event.id", unique=True)


class FrontierEntry(SQLModel, table=True):
    """A URL a crawl has discovered; the frontier lives in the database so crawls resume after a crash.

    On PostgreSQL several workers share it: a worker claims an entry (`claims` + 1, its `worker_id`, a lease until
    `lease_until`) and completes it only while `claims` is still the number it claimed it with (a fencing token:
    a worker whose lease ran out and whose entry was claimed again stores nothing).
    """

    __tablename__ = "frontier"
    __table_args__ = (
        UniqueConstraint("crawl_id", "fingerprint", name="uq_frontier_crawl_fp"),
        # the single crawler's claim query: a source's pending pages, shallowest first, without sorting
        Index("ix_frontier_claim", "crawl_id", "marketplace", "status", "depth", "id"),
        # the workers' claim query: a host's pending pages, shallowest first
        Index("ix_frontier_host_claim", "crawl_id", "host", "status", "depth", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    crawl_id: int = Field(foreign_key="crawl.id")  # indexed by uq_frontier_crawl_fp
    url: str
    fingerprint: str
    marketplace: str
    kind: str
    depth: int = 0
    status: str = Field(default="pending")  # pending | done | failed | disallowed | blocked | drifted | gone
    attempts: int = 0  # HTTP requests the last fetch took
    page_id: int | None = Field(default=None, foreign_key="page.id", index=True)
    error: str | None = None
    context: str = Field(default="{}")  # JSON: site, category, api flag …
    host: str | None = None  # the URL's host[:port], the politeness key
    claims: int = 0  # times claimed: the fencing token of the latest claim, and the page's tries
    worker_id: str | None = None  # the worker holding (or last holding) the entry
    lease_until: float | None = None  # database clock, epoch seconds: the claim lapses after this
    not_before: float | None = None  # database clock, epoch seconds: a failed page is tried again after this


class CrawlHost(SQLModel, table=True):
    """One host of a crawl on PostgreSQL: when its next request may start, for every worker together."""

    __tablename__ = "crawl_host"

    crawl_id: int = Field(foreign_key="crawl.id", primary_key=True)
    host: str = Field(primary_key=True)
    next_at: float = 0.0  # database clock, epoch seconds: the next request's earliest start
    delay: float = 0.0  # seconds between request starts, from the settings (web page or official API)
    robots_delay: float = 0.0  # robots.txt's Crawl-delay or Request-rate
    penalty: float = 0.0  # the slow-down after 429/503: doubled by each, halved by each other answer


class CrawlWorker(SQLModel, table=True):
    """A process working on a crawl; its heartbeat keeps its claims' leases alive."""

    __tablename__ = "crawl_worker"

    id: str = Field(primary_key=True)  # hostname:pid:random
    crawl_id: int = Field(foreign_key="crawl.id", index=True)
    hostname: str
    pid: int
    started_at: float  # database clock, epoch seconds
    heartbeat_at: float
    status: str = "running"  # running | finished | gone
