"""One suppression rule: an entry catches the same businesses in leads, CSV exports, drafts, the pipeline, the
dashboard and `scout suppress list`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, Outreach, Suppression
from scout.dashboard.data import load_dashboard
from scout.errors import InputError
from scout.identity.suppressed import BusinessFacts, Entry, SuppressionList, list_catches
from scout.outreach.pipeline import mark_offer
from scout.scoring.export import export_csv
from scout.scoring.leads import select_leads
from tests.scout.outreach.test_drafts import NOW, WORLD, build_outreach_db, run_draft

ALPHA = "Alpha Küchen GmbH"
ENTRIES = {
    "seller id, no marketplace": dict(name="Someone Else Entirely", seller_id="alpha-kuechen"),
    "seller id on its marketplace": dict(name="Someone Else Entirely", seller_id="A1ALPHA", marketplace="amazon"),
    "domain": dict(name="Someone Else Entirely", domain="amazon-free-alpha.de"),
    "similar name": dict(name="Alpha Kuechen"),
}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    with session_scope(engine) as session:
        alpha = session.execute(select(Business).where(Business.name == ALPHA)).scalar_one()
        alpha.website = "https://www.amazon-free-alpha.de/impressum"
        session.add(Outreach(business_id=alpha.id, status="drafted", offer_code="SC-ALPHA"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("entry", ENTRIES.values(), ids=list(ENTRIES))
def test_one_entry_keeps_the_same_business_out_everywhere(engine: Engine, tmp_path: Path,
                                                          entry: dict[str, str]) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(normalized_name="", reason="asked us to stop", **entry))
        leads = select_leads(session, top=50)
        marked = {lead.name: lead.suppressed for lead in select_leads(session, top=50, include_suppressed=True)}
        board = load_dashboard(session, now=NOW, threshold=60)
        [catch] = list_catches(session)
    assert ALPHA not in {lead.name for lead in leads}
    assert marked[ALPHA] == f"do_not_contact ({entry['name']}): asked us to stop"
    assert [facts.name for facts in catch.businesses] == [ALPHA] and catch.storefronts == 2
    assert board.headline.leads == sum(1 for business in WORLD if business[2] >= 60) - 1
    assert ALPHA not in {entry.name for entry in board.leaderboard}

    export_csv(leads, tmp_path / "leads.csv")
    with (tmp_path / "leads.csv").open(encoding="utf-8", newline="") as fh:
        assert ALPHA not in {row["business"] for row in csv.DictReader(fh)}

    report = run_draft(engine, tmp_path / "drafts")
    assert ALPHA not in {outcome.draft.business_name for outcome in report.drafted}
    assert report.drafted and not list((tmp_path / "drafts").glob("*alpha*"))

    with session_scope(engine) as session, pytest.raises(InputError, match="is suppressed"):
        mark_offer(session, ALPHA, "sent", now=NOW)


def test_an_entry_of_another_marketplace_catches_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="Someone Else Entirely", normalized_name="", seller_id="alpha-kuechen",
                                marketplace="amazon"))
        assert ALPHA in {lead.name for lead in select_leads(session, top=50)}


def test_the_answer_for_a_business_does_not_depend_on_who_else_is_asked() -> None:
    rule = SuppressionList([Entry(1, "Nordic Home", "do_not_contact")])
    alone = BusinessFacts("business:1", "Nordic Home LLC", ("Nordic Home LLC",))
    crowd = [BusinessFacts(f"business:{i}", f"Nordic Homeware {i}", (f"Nordic Homeware {i}",)) for i in range(2, 3000)]
    assert rule.verdicts([alone]) == rule.verdicts([*crowd, alone]) == {"business:1": "do_not_contact (Nordic Home)"}


def test_the_strongest_kind_explains_a_business_caught_twice() -> None:
    rule = SuppressionList([Entry(1, "Nordic Home", "existing_seller"), Entry(2, "Nordic Home", "do_not_contact",
                                                                                 reason="asked us to stop")])
    facts = BusinessFacts("seller:7", "Nordic Home", ("Nordic Home",))
    assert rule.verdicts([facts]) == {"seller:7": "do_not_contact (Nordic Home): asked us to stop"}
