"""Identity matching: blocking on a replica world, linking storefronts into businesses, persisting them."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from db.engine import session_scope
from db.models import Business, Outreach, Seller
from scout.identity.blocks import block_keys, similar_pairs
from scout.identity.linking import SellerFacts, link_storefronts, match_businesses
from scout.identity.names import name_keys
from scout.identity.rules import MATCH_THRESHOLD
from scout.replica.world import World, build_world, export_ground_truth, stable_random


def _store(pk: int, marketplace: str, name: str, **kw: str) -> SellerFacts:
    return SellerFacts(pk=pk, marketplace=marketplace, name=name, **kw)


def _groups(facts: list[SellerFacts]) -> set[frozenset[int]]:
    return {frozenset(c.pks) for c in link_storefronts(facts)}


def test_link_different_names_same_business() -> None:
    facts = [_store(1, "amazon", "Anker Direct", site="com", country="US"),
             _store(2, "walmart", "AnkerDirect-US", country="US"),
             _store(3, "ebay", "anker_official")]
    clusters = link_storefronts(facts)
    assert [c.pks for c in clusters] == [(1, 2, 3)]
    assert clusters[0].evidence == "same-name"


def test_link_accented_name_and_ascii_handle() -> None:
    facts = [_store(1, "cdiscount", "Café Crème SARL", country="FR"), _store(2, "etsy", "cafe-creme", country="FR")]
    assert _groups(facts) == {frozenset({1, 2})}


def test_link_same_name_different_country_and_address_stays_apart() -> None:
    facts = [_store(1, "amazon", "Nordic Home", site="de", business_name="Nordic Home GmbH",
                    business_address="Hauptstraße 12, 10115 Berlin, DE", country="DE"),
             _store(2, "walmart", "Nordic Home", business_name="Nordic Home LLC",
                    business_address="1200 Main Street, New York NY 10001, US", country="US")]
    assert _groups(facts) == {frozenset({1}), frozenset({2})}


def test_link_lookalike_with_other_registered_name_stays_apart() -> None:
    facts = [_store(1, "amazon", "Nordify Home", site="com", business_name="Nordify Home LLC", country="US"),
             _store(2, "walmart", "Nordifyy Home", business_name="Nordifyy Home LLC", country="US"),
             _store(3, "etsy", "NordifyHome", country="US")]
    assert _groups(facts) == {frozenset({1, 3}), frozenset({2})}


def test_link_never_merges_one_site_on_names_alone() -> None:
    facts = [_store(1, "amazon", "Anker Direct", site="com"), _store(2, "amazon", "AnkerDirect", site="com"),
             _store(3, "ebay", "ankerr"), _store(4, "ebay", "anker")]
    groups = _groups(facts)
    assert not any({1, 2} <= group or {3, 4} <= group for group in groups)
    assert frozenset({1, 4}) in groups  # across marketplaces the same name still links


def test_link_same_marketplace_fuzzy_name_stays_apart() -> None:
    facts = [_store(1, "amazon", "Voltixa Home", site="com"), _store(2, "amazon", "Voltixx Home", site="de")]
    assert _groups(facts) == {frozenset({1}), frozenset({2})}


def test_link_same_marketplace_with_business_name_and_address() -> None:
    address = "Hauptstraße 12, 10115 Berlin, DE"
    facts = [_store(1, "amazon", "Voltix Direct", site="com", business_name="Voltix GmbH", business_address=address),
             _store(2, "amazon", "VOLTIX-EU", site="com", business_name="Voltix GmbH",
                    business_address="Hauptstrasse 12, Berlin 10115")]
    clusters = link_storefronts(facts)
    assert [(c.pks, c.evidence) for c in clusters] == [((1, 2), "exact:business-name+address")]


def test_link_by_domain_despite_different_names() -> None:
    facts = [_store(1, "walmart", "Kitchen Wonders", domain="https://kw-shop.com"),
             _store(2, "etsy", "KWStudioGoods", domain="orders@kw-shop.com")]
    clusters = link_storefronts(facts)
    assert [(c.pks, c.evidence) for c in clusters] == [((1, 2), "exact:domain")]


def test_link_by_vat_number() -> None:
    facts = [_store(1, "cdiscount", "Maison Pratique", vat_number="FR 12 345678901"),
             _store(2, "amazon", "MP Home Direct", site="fr", vat_number="FR12345678901")]
    assert _groups(facts) == {frozenset({1, 2})}


def _world_facts(world: World) -> tuple[list[SellerFacts], dict[int, str]]:
    facts, truth = [], {}
    for pk, row in enumerate(export_ground_truth(world), start=1):
        front = world.sellers[(row["marketplace"], row["seller_id"])]
        b = front.business
        hidden = front.marketplace in ("etsy", "mercadolibre") or (
            front.marketplace == "amazon" and stable_random(front.seller_id, "detail").random() < 0.1)
        facts.append(SellerFacts(pk=pk, marketplace=row["marketplace"], site=row["site"], name=row["name"],
                                 business_name=None if hidden else row["business_name"],
                                 business_address=None if hidden else ", ".join(b.address_lines),
                                 country=None if front.marketplace == "amazon" and hidden else row["country"]))
        truth[pk] = row["business_id"]
    return facts, truth


def _true_pairs(truth: dict[int, str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, business in truth.items():
        groups[business].append(pk)
    return {pair for pks in groups.values() for pair in combinations(sorted(pks), 2)}


def test_blocking_puts_every_true_pair_of_a_small_world_in_a_shared_block() -> None:
    facts, truth = _world_facts(build_world(3, sellers=400, products_per_seller=0.2))
    keys = {f.pk: {block for key in (*name_keys(f.name), *name_keys(f.business_name)) for block in block_keys(key)}
            for f in facts}
    pairs = _true_pairs(truth)
    assert len(pairs) > 300
    assert [pair for pair in pairs if not keys[pair[0]] & keys[pair[1]]] == []


def test_similar_pairs_finds_what_brute_force_finds() -> None:
    facts, _ = _world_facts(build_world(5, sellers=1500, products_per_seller=0.2))
    names = sorted({key for f in facts for key in (*name_keys(f.name), *name_keys(f.business_name))})
    brute = {(i, j) for i, name in enumerate(names)
             for _, _, j in process.extract(name, names, scorer=Indel.normalized_similarity,
                                            score_cutoff=MATCH_THRESHOLD, limit=None) if j > i}
    blocked = set(similar_pairs(names, cutoff=MATCH_THRESHOLD))
    assert len(brute) > 50
    assert blocked <= brute
    assert len(blocked) / len(brute) >= 0.98


def test_similar_pairs_between_two_lists() -> None:
    pairs = similar_pairs(["anker", "voltix"], ["ankerr", "nordic", "anker", "voltixa"], cutoff=0.9)
    assert set(pairs) == {(0, 0), (0, 2), (1, 3)}
    assert pairs[(0, 2)] == 1.0


def _insert_world(session: Session, world: World) -> dict[int, str]:
    """Sellers straight from the world, as the parsers would have stored them; returns pk -> true business."""
    facts, truth = _world_facts(world)
    session.add_all(Seller(id=f.pk, marketplace=f.marketplace, seller_id=world.storefronts[f.pk - 1].seller_id,
                           site=f.site, name=f.name, business_name=f.business_name,
                           business_address=f.business_address, country=f.country) for f in facts)
    return truth


def _assignments(engine: Engine) -> dict[int, int | None]:
    with session_scope(engine) as session:
        return {pk: b for pk, b in session.execute(select(col(Seller.id), col(Seller.business_id))).all()}


def test_match_end_to_end_on_a_replica_world_precision_and_recall(engine: Engine) -> None:
    with session_scope(engine) as session:
        truth = _insert_world(session, build_world(11, sellers=600, products_per_seller=0.2))
    with session_scope(engine) as session:
        report = match_businesses(session)
    assigned = _assignments(engine)
    groups: dict[int | None, list[int]] = defaultdict(list)
    for pk, business_id in assigned.items():
        groups[business_id].append(pk)
    assert None not in groups
    predicted = {pair for pks in groups.values() for pair in combinations(sorted(pks), 2)}
    actual = _true_pairs(truth)
    correct = len(predicted & actual)
    assert correct / len(predicted) >= 0.95
    assert correct / len(actual) >= 0.95
    assert report.businesses == len(groups) == report.created
    with session_scope(engine) as session:
        evidence = set(session.execute(select(col(Business.match_evidence))).scalars())
    assert {"single storefront", "exact:business-name+address"} <= evidence


def test_match_rerun_keeps_businesses_and_ids(engine: Engine) -> None:
    with session_scope(engine) as session:
        _insert_world(session, build_world(12, sellers=150, products_per_seller=0.2))
    with session_scope(engine) as session:
        first = match_businesses(session)
    before = _assignments(engine)
    with session_scope(engine) as session:
        again = match_businesses(session)
    assert _assignments(engine) == before
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, first.businesses)


def test_match_new_storefront_joins_its_business_keeping_the_id(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add_all([Seller(id=1, marketplace="amazon", seller_id="A1", site="com", name="Anker Direct"),
                         Seller(id=2, marketplace="ebay", seller_id="nordic", name="nordic_home")])
    with session_scope(engine) as session:
        match_businesses(session)
    anker = _assignments(engine)[1]
    with session_scope(engine) as session:
        session.add(Seller(id=3, marketplace="walmart", seller_id="W1", name="AnkerDirect-US"))
    with session_scope(engine) as session:
        report = match_businesses(session)
    assert _assignments(engine)[3] == _assignments(engine)[1] == anker
    assert report.created == 0


def test_match_links_storefronts_whose_pages_print_one_vat_number(engine: Engine) -> None:
    # Nothing in the names says so: the VAT id the seller pages print is the evidence.
    with session_scope(engine) as session:
        session.add_all([Seller(id=1, marketplace="amazon", seller_id="A1", site="amazon.fr", name="Lumiwell FR",
                                vat_number="FR47912384501"),
                         Seller(id=2, marketplace="cdiscount", seller_id="4617", name="Eclairage Pro",
                                vat_number="FR 47 912 384 501"),
                         Seller(id=3, marketplace="allegro", seller_id="nordic_pl", name="Nordic Home",
                                vat_number="PL7792450016")])
    with session_scope(engine) as session:
        match_businesses(session)
    assignments = _assignments(engine)
    assert assignments[1] == assignments[2] != assignments[3]
    with session_scope(engine) as session:
        business = session.get(Business, assignments[1])
        assert business is not None
        assert (business.vat_number, business.match_evidence) == ("FR47912384501", "exact:vat")


def test_match_links_storefronts_whose_pages_show_one_website_or_email_domain(engine: Engine) -> None:
    # Different names, no VAT id: the website one page shows and the e-mail domain another shows are the evidence.
    with session_scope(engine) as session:
        session.add_all([Seller(id=1, marketplace="amazon", seller_id="A1", name="Kitchen Pros DE",
                                website="https://www.Müller-Küchen.de/impressum"),
                         Seller(id=2, marketplace="ebay", seller_id="mk_outlet", name="MK Outlet",
                                email="service@xn--mller-kchen-thbg.de"),
                         Seller(id=3, marketplace="cdiscount", seller_id="77", name="Cuisine Plus",
                                email="cuisineplus@gmail.com"),
                         Seller(id=4, marketplace="allegro", seller_id="kuchnia", name="Kuchnia Sklep",
                                email="kuchnia@gmail.com")])
    with session_scope(engine) as session:
        match_businesses(session)
    assignments = _assignments(engine)
    assert assignments[1] == assignments[2]
    assert len({assignments[1], assignments[3], assignments[4]}) == 3  # a shared gmail.com links nobody
    with session_scope(engine) as session:
        business = session.get(Business, assignments[1])
        assert business is not None
        assert (business.website, business.email_domain, business.match_evidence) == (
            "xn--mller-kchen-thbg.de", "xn--mller-kchen-thbg.de", "exact:domain")


def test_match_leaves_manual_decisions_and_platform_sellers_alone(engine: Engine) -> None:
    with session_scope(engine) as session:
        manual = Business(name="Anker (checked by hand)", normalized_name="anker", match_evidence="manual: CEO call")
        session.add(manual)
        session.flush()
        session.add_all([Seller(id=1, marketplace="amazon", seller_id="A1", site="com", name="Anker Direct",
                                business_id=manual.id),
                         Seller(id=2, marketplace="walmart", seller_id="W1", name="AnkerDirect-US"),
                         Seller(id=3, marketplace="amazon", seller_id="ATVPDKIKX0DER", site="com", name="Amazon.com",
                                is_platform=True)])
    with session_scope(engine) as session:
        report = match_businesses(session)
    assigned = _assignments(engine)
    assert assigned[1] == manual.id
    assert assigned[2] not in (None, manual.id)
    assert assigned[3] is None
    assert report.pinned == 1


def test_match_removes_businesses_left_empty_unless_outreach_refers_to_them(engine: Engine) -> None:
    with session_scope(engine) as session:
        empty = Business(name="Gone", normalized_name="gone")
        contacted = Business(name="Contacted", normalized_name="contacted")
        session.add_all([empty, contacted])
        session.flush()
        assert contacted.id is not None
        session.add(Outreach(business_id=contacted.id, offer_code="SCOUT-1"))
        session.add(Seller(id=1, marketplace="ebay", seller_id="x", name="xyz"))
    with session_scope(engine) as session:
        report = match_businesses(session)
        remaining = set(session.execute(select(col(Business.name))).scalars())
    assert report.removed == 1
    assert remaining == {"Contacted", "xyz"}
