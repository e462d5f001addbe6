"""Whether the stored scores still describe the data: `scout score` notes how far the data reached (the largest
ids of snapshots, sellers, offers, rankings and businesses); a command that shows scores compares it with now.

Reads through db.queries' Core tables only (a handful of `max(id)` look-ups on primary keys), so `scout leads`
pays nothing noticeable for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from db.queries import business, offer, ranking_entry, score_run, seller, seller_snapshot

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Freshness:
    """When the scores were computed, over how many storefronts, and whether the data changed since."""

    computed_at: datetime | None
    storefronts: int
    stale: bool

    def warning(self) -> str | None:
        """What to tell the user when the scores are stale."""
        if not self.stale:
            return None
        when = "" if self.computed_at is None else f" ({self.computed_at:%Y-%m-%d %H:%M} UTC)"
        return f"the data changed after the last `scout score`{when}: run `scout score` to include it"


def data_mark(conn: Connection | Session) -> str:
    """How far the data reaches: the largest ids of snapshots, sellers, offers, rankings and businesses."""
    return ",".join(str(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
                    for t in (seller_snapshot, seller, offer, ranking_entry, business))


def score_freshness(conn: Connection | Session) -> Freshness:
    """The last `scout score` run and whether the data changed after it (stale when it never ran)."""
    last = conn.execute(select(score_run.c.computed_at, score_run.c.storefronts, score_run.c.data_mark)
                        .order_by(score_run.c.id.desc()).limit(1)).first()
    if last is None:
        storefronts = conn.execute(select(func.count(seller.c.id))).scalar_one()
        return Freshness(None, storefronts, True)
    return Freshness(last[0], last[1], last[2] != data_mark(conn))
