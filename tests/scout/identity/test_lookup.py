"""A BUSINESS argument names a business by id, by one of its storefronts, or by its name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from db.engine import session_scope
from scout.errors import InputError
from scout.identity.lookup import resolve_business
from tests.scout.outreach.test_drafts import build_outreach_db


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("target", ["1", "business:1", "amazon:A1ALPHA", "ebay:alpha-kuechen", "Alpha Küchen GmbH",
                                    "alpha küchen gmbh", "Alpha Küchen", "küchen"])
def test_business_is_found_by_id_storefront_or_name(engine: Engine, target: str) -> None:
    with session_scope(engine) as session:
        assert resolve_business(session, target).name == "Alpha Küchen GmbH"


@pytest.mark.parametrize(("target", "message"), [
    ("999", "no business with id 999"),
    ("amazon:NOPE", "no amazon seller with id 'NOPE'"),
    ("ebay:lonely", "storefront ebay:lonely is not linked to a business yet: run `scout match` first"),
    ("Nobody Here", "no business named 'Nobody Here'"),
    ("", "name a business"),
    ("S.", "'S.' is ambiguous: business:3 (Casa Verde S.L.), business:4 (Bottega Rossi S.r.l.)"),
])
def test_unknown_or_ambiguous_business_is_an_input_error(engine: Engine, target: str, message: str) -> None:
    with session_scope(engine) as session, pytest.raises(InputError) as err:
        resolve_business(session, target)
    assert message in str(err.value)


