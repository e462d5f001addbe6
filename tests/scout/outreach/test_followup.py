"""Follow-ups: one reminder per offer sent without reply after a wait, drafted by the same step as offers (the
suppression rule applied at drafting time), never a second one unless asked."""

from __future__ import annotations

import csv
import email.parser
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, OfferEvent, Outreach, Suppression
from scout.errors import ConfigError
from scout.outreach.followup import FollowUpReport, follow_up_due, follow_up_offers
from scout.outreach.pipeline import mark_offer
from scout.outreach.run import FOLLOW_UPS_CSV
from scout.settings import OutreachSettings
from tests.scout.outreach.test_drafts import NOW, SETTINGS, build_outreach_db, run_draft

SENT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
WEEK_LATER = SENT + timedelta(days=7)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    """Five drafted offers; Alpha (de), Maison (fr) and Maker (en) sent on SENT, Casa sent and replied."""
    engine = build_outreach_db(db_url)
    run_draft(engine, tmp_path / "drafts", top=5)
    with session_scope(engine) as session:
        for name in ("Alpha Küchen GmbH", "Maison Lumière SARL", "Maker Studio LLC", "Casa Verde S.L."):
            mark_offer(session, name, "sent", now=SENT)
        mark_offer(session, "Casa Verde S.L.", "replied", now=SENT)
    yield engine
    engine.dispose()


def _follow_up(engine: Engine, out: Path, now: datetime = WEEK_LATER, settings: OutreachSettings = SETTINGS,
               **options: object) -> FollowUpReport:
    with session_scope(engine) as session:
        return follow_up_offers(session, settings, out_dir=out, now=now, by="ana", **options)  # type: ignore[arg-type]


def _names(report: FollowUpReport) -> list[str]:
    return [f.draft.business_name for f in report.drafted]


def test_an_offer_sent_without_reply_gets_one_follow_up_after_the_wait(engine: Engine, tmp_path: Path) -> None:
    assert _follow_up(engine, tmp_path / "early", now=WEEK_LATER - timedelta(hours=1)).drafted == []
    report = _follow_up(engine, tmp_path / "f")
    assert _names(report) == ["Alpha Küchen GmbH", "Maison Lumière SARL", "Maker Studio LLC"]  # not Casa: replied
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "1-alpha-kuchen-gmbh-follow-up.md", "2-maison-lumiere-sarl-follow-up.md", "5-maker-studio-llc-follow-up.md"]
    with session_scope(engine) as session:
        counts = dict(session.execute(select(Business.name, Outreach.follow_ups).join(Outreach)).all())
        events = session.execute(select(OfferEvent).where(OfferEvent.action == "follow-up")).scalars().all()
    assert counts["Maker Studio LLC"] == 1 and counts["Casa Verde S.L."] == 0
    assert len(events) == 3 and {(e.by, e.from_status, e.to_status) for e in events} == {("ana", "sent", "sent")}
    assert all(e.draft_path and Path(e.draft_path).is_file() for e in events)


def test_never_a_second_follow_up_unless_asked(engine: Engine, tmp_path: Path) -> None:
    _follow_up(engine, tmp_path / "f")
    assert _follow_up(engine, tmp_path / "g", now=WEEK_LATER + timedelta(days=30)).drafted == []
    assert _follow_up(engine, tmp_path / "h", now=WEEK_LATER + timedelta(days=3), again=True).drafted == []
    again = _follow_up(engine, tmp_path / "i", now=WEEK_LATER + timedelta(days=7), again=True)
    assert len(again.drafted) == 3 and {f.number for f in again.drafted} == {2}


def test_a_fresh_send_starts_the_count_again(engine: Engine, tmp_path: Path) -> None:
    _follow_up(engine, tmp_path / "f")
    later = WEEK_LATER + timedelta(days=1)
    with session_scope(engine) as session:
        for status in ("declined", "drafted", "sent"):
            mark_offer(session, "Maker Studio LLC", status, now=later)
    report = _follow_up(engine, tmp_path / "g", now=later + timedelta(days=7))
    assert [(f.draft.business_name, f.number) for f in report.drafted] == [("Maker Studio LLC", 1)]


def test_suppression_is_checked_again_when_the_follow_up_is_drafted(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="Maison Lumière", normalized_name="maison lumiere", reason="joined us"))
    report = _follow_up(engine, tmp_path / "f")
    assert "Maison Lumière SARL" not in _names(report)
    assert ("Maison Lumière SARL", "suppressed: do_not_contact (Maison Lumière): joined us: no follow-up") in \
        report.skipped
    with session_scope(engine) as session:
        maison = session.execute(select(Outreach).join(Business).where(Business.name == "Maison Lumière SARL")
                                 ).scalar_one()
    assert maison.follow_ups == 0  # not counted, so it is not silently "done"


def test_an_expired_offer_gets_no_follow_up(engine: Engine, tmp_path: Path) -> None:
    report = _follow_up(engine, tmp_path / "f", now=datetime(2026, 12, 3, tzinfo=UTC))  # offers expire 2026-12-02
    assert report.drafted == [] and len(report.skipped) == 3
    assert all("expired on 2026-12-02" in why for _, why in report.skipped)


def test_a_follow_up_keeps_the_offer_its_language_and_compliance(engine: Engine, tmp_path: Path) -> None:
    report = _follow_up(engine, tmp_path / "f")
    by_name = {f.draft.business_name: f for f in report.drafted}
    maison = by_name["Maison Lumière SARL"].draft
    assert maison.language == "fr" and maison.offer.code == "SC-TEST-0002" and maison.kind == "followup"
    assert maison.subject.startswith("Rappel : vos trois premiers mois offerts")
    assert "Art. 14" not in maison.body and "art. 14" in maison.body and "STOP" in maison.body
    text = by_name["Alpha Küchen GmbH"].path.read_text(encoding="utf-8")
    assert text.startswith("# Follow-up to offer SC-TEST-0001 (de)") and "Art. 21 DSGVO" in text
    assert "follow-up: reminder of offer SC-TEST-0001, sent without reply" in text


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "it"])
def test_every_language_has_a_compliant_follow_up(engine: Engine, tmp_path: Path, language: str) -> None:
    report = _follow_up(engine, tmp_path / "f", language=language)
    assert {f.draft.language for f in report.drafted} == {language} and len(report.drafted) == 3


def test_follow_ups_as_eml_and_csv(engine: Engine, tmp_path: Path) -> None:
    report = _follow_up(engine, tmp_path / "eml", fmt="eml")
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(report.drafted[0].path.read_bytes())
    assert message["Message-ID"].startswith("<SC-TEST-0001.followup.") and message["List-Unsubscribe"]
    with session_scope(engine) as session:  # a second run as CSV needs --again and another week
        follow_up_offers(session, SETTINGS, out_dir=tmp_path / "csv", now=WEEK_LATER + timedelta(days=7),
                         again=True, fmt="csv")
    with (tmp_path / "csv" / FOLLOW_UPS_CSV).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["business"] for row in rows] == ["Alpha Küchen GmbH", "Maison Lumière SARL", "Maker Studio LLC"]


def test_a_team_follow_up_template_must_stay_compliant(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "followup_en.txt.j2").write_text("Hi {{ business_name }}, {{ offer_code }}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="followup_en.txt.j2 leaves out: sender name"):
        _follow_up(engine, tmp_path / "f", settings=OutreachSettings(templates_dir=str(folder)), language="en")


def test_the_due_rule_counts_what_the_command_would_draft(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        due = session.execute(select(func.count()).select_from(Outreach).where(
            follow_up_due(WEEK_LATER, timedelta(days=7)))).scalar_one()
    assert due == len(_follow_up(engine, tmp_path / "f").drafted) == 3


def test_no_folder_is_made_when_nothing_is_due(engine: Engine, tmp_path: Path) -> None:
    assert _follow_up(engine, tmp_path / "none", now=NOW).drafted == []
    assert not (tmp_path / "none").exists()
