"""The replica over real loopback HTTP: routing by Host, robots, credentials, the request log, each fault."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from scout.replica.faults import Faults
from scout.replica.server import OFFSITE, Replica, run_replica, seeds
from scout.replica.world import World, build_world
from scrapers.registry import parse_page


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(21, sellers=600)


@pytest.fixture(scope="module")
def replica(world: World) -> Iterator[Replica]:
    with run_replica(world) as running:
        yield running


@pytest.fixture
def client(replica: Replica) -> Iterator[httpx.Client]:
    replica.faults = Faults()
    replica.set_day(0)
    with httpx.Client(timeout=5.0) as session:
        yield session


def _get(client: httpx.Client, replica: Replica, url: str, **headers: str) -> httpx.Response:
    """GET a logical URL the way Scout's fetcher does: to the mapped origin, with the logical Host."""
    parts = httpx.URL(url)
    target = f"{replica.host_map[parts.host]}{parts.raw_path.decode()}"
    return client.get(target, headers={"Host": parts.host, "User-Agent": "ScoutTest/1.0", **headers})


def _token(client: httpx.Client, replica: Replica) -> str:
    basic = base64.b64encode(b"client:secret").decode()
    response = client.post(f"{replica.host_map['api.ebay.com']}/identity/v1/oauth2/token",
                           headers={"Host": "api.ebay.com", "Authorization": f"Basic {basic}"},
                           data={"grant_type": "client_credentials"})
    assert response.status_code == 200
    return str(response.json()["access_token"])


def test_server_routes_amazon_sites_by_host_header(client: httpx.Client, replica: Replica) -> None:
    de = _get(client, replica, "https://www.amazon.de/gp/bestsellers/ce-de")
    com = _get(client, replica, "https://www.amazon.com/gp/bestsellers/electronics")
    assert de.status_code == com.status_code == 200
    assert 'lang="de-de"' in de.text and "von 5 Sternen" in de.text
    assert 'lang="en-us"' in com.text and "out of 5 stars" in com.text
    assert _get(client, replica, "https://www.amazon.com/gp/bestsellers/ce-de").status_code == 404


def test_server_serves_amazon_robots_rules(client: httpx.Client, replica: Replica) -> None:
    robots = _get(client, replica, "https://www.amazon.fr/robots.txt").text
    assert "Disallow: /gp/offer-listing/" in robots
    assert "Disallow: /dp/\n" not in robots and "Disallow: /sp" not in robots
    assert "Allow: /str/" in _get(client, replica, "https://www.ebay.com/robots.txt").text


def test_server_serves_offer_listing_although_robots_forbid_it(client: httpx.Client, replica: Replica,
                                                                world: World) -> None:
    product = next(p for p in world.products if p.marketplace == "amazon" and p.site == "com")
    response = _get(client, replica, f"https://www.amazon.com/gp/offer-listing/{product.product_id}")
    assert response.status_code == 200 and "olpOffer" in response.text
    assert any(r.path.startswith("/gp/offer-listing/") for r in replica.requests)


def test_server_ebay_browse_requires_oauth_token(client: httpx.Client, replica: Replica) -> None:
    url = "https://api.ebay.com/buy/browse/v1/item_summary/search?category_ids=293&limit=5"
    assert _get(client, replica, url).status_code == 401
    assert _get(client, replica, url, Authorization="Bearer made-up").status_code == 401
    bad = client.post(f"{replica.host_map['api.ebay.com']}/identity/v1/oauth2/token",
                      headers={"Host": "api.ebay.com"}, data={"grant_type": "client_credentials"})
    assert bad.status_code == 401
    answer = _get(client, replica, url, Authorization=f"Bearer {_token(client, replica)}")
    assert answer.status_code == 200 and len(answer.json()["itemSummaries"]) == 5


def test_server_etsy_api_requires_key(client: httpx.Client, replica: Replica, world: World) -> None:
    shop = world.storefronts_on("etsy")[0]
    url = f"https://openapi.etsy.com/v3/application/shops/{shop.numeric_id}"
    assert _get(client, replica, url).status_code == 401
    answer = _get(client, replica, url, **{"x-api-key": "replica-key"})
    assert answer.status_code == 200 and answer.json()["shop_name"] == shop.seller_id


def test_server_logs_requests_with_agent_cookies_and_status(client: httpx.Client, replica: Replica) -> None:
    before = len(replica.requests)
    first = _get(client, replica, "https://www.amazon.it/gp/bestsellers/electronics")
    assert "session-id" in first.cookies
    _get(client, replica, "https://www.amazon.it/sp?seller=ANOBODY", Cookie="session-id=123")
    logged = replica.requests[before:]
    assert [(r.host, r.path, r.status, r.method) for r in logged] == [
        ("www.amazon.it", "/gp/bestsellers/electronics", 200, "GET"),
        ("www.amazon.it", "/sp?seller=ANOBODY", 404, "GET"),
    ]
    assert logged[0].user_agent == "ScoutTest/1.0" and logged[1].cookies == {"session-id": "123"}
    assert logged[0].time <= logged[1].time


def test_server_set_day_serves_day_1_figures(client: httpx.Client, replica: Replica, world: World) -> None:
    seller = next(s for s in world.storefronts_on("mercadolibre") if s.first_day == 0)
    url = f"https://api.mercadolibre.com/users/{seller.numeric_id}"
    day0 = _get(client, replica, url).json()["seller_reputation"]["transactions"]["total"]
    replica.set_day(1)
    day1 = _get(client, replica, url).json()["seller_reputation"]["transactions"]["total"]
    assert (day0, day1) == (seller.sales_count[0], seller.sales_count[1])
    new = next(s for s in world.storefronts if s.first_day == 1 and s.marketplace == "amazon")
    url = f"https://www.amazon.{new.site}/sp?seller={new.seller_id}"
    assert _get(client, replica, url).status_code == 200
    replica.set_day(0)
    assert _get(client, replica, url).status_code == 404


def test_server_seeds_are_served(client: httpx.Client, replica: Replica) -> None:
    for marketplace in ("amazon", "walmart", "allegro", "cdiscount", "mercadolibre"):
        urls = seeds(replica.world, marketplace)
        assert urls and _get(client, replica, urls[0]).status_code == 200


def test_fault_429_burst_then_success(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(status_429=1.0, burst=2, retry_after=7)
    url = "https://www.walmart.com/search?q=drill"
    statuses = [_get(client, replica, url) for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["Retry-After"] == "7"


def test_fault_sticky_5xx_never_heals(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(status_5xx=1.0, sticky=True)
    assert {_get(client, replica, "https://www.walmart.com/search?q=knife").status_code for _ in range(4)} == {503}


def test_fault_rate_is_deterministic_per_url(replica: Replica) -> None:
    first, second = Faults(status_5xx=0.5, seed=3), Faults(status_5xx=0.5, seed=3)
    urls = [f"https://www.ebay.com/str/shop{i}" for i in range(200)]
    hits = [first.decide(u, "/str/") for u in urls]
    assert hits == [second.decide(u, "/str/") for u in urls]
    assert 60 < sum(h is not None for h in hits) < 140


def test_fault_slow_response(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(slow=1.0, slow_seconds=0.3, burst=1)
    with pytest.raises(httpx.ReadTimeout):
        client.get(f"{replica.host_map['www.ebay.com']}/str/nobody", headers={"Host": "www.ebay.com"},
                   timeout=0.1)


def test_fault_connection_reset(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(reset=1.0, burst=1)
    with pytest.raises(httpx.RemoteProtocolError):
        _get(client, replica, "https://www.amazon.com/gp/bestsellers/hi")
    assert _get(client, replica, "https://www.amazon.com/gp/bestsellers/hi").status_code == 200
    assert replica.requests[-2].fault == "reset" and replica.requests[-2].status == 0


def test_fault_truncated_body(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(truncate=1.0, burst=1)
    with pytest.raises(httpx.RemoteProtocolError):
        _get(client, replica, "https://www.amazon.com/gp/bestsellers/kitchen")


def test_fault_captcha_served_as_200(client: httpx.Client, replica: Replica, world: World) -> None:
    replica.faults = Faults(captcha=1.0)
    page = _get(client, replica, "https://www.amazon.co.uk/gp/bestsellers/diy")
    assert page.status_code == 200 and "/errors/validateCaptcha" in page.text
    store = world.storefronts_on("ebay")[0].seller_id
    assert "Pardon Our Interruption" in _get(client, replica, f"https://www.ebay.com/str/{store}").text
    assert _get(client, replica, "https://www.ebay.com/robots.txt").text.startswith("User-agent")  # exempt


def test_fault_drifted_layout(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(drift=1.0)
    page = _get(client, replica, "https://www.amazon.es/gp/bestsellers/diy")
    assert page.status_code == 200 and "zg-bdg-text" not in page.text and "gridItemRoot" not in page.text


def test_fault_oversized_body(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(oversize=1.0, oversize_bytes=3_000_000)
    assert len(_get(client, replica, "https://www.walmart.com/search?q=puzzle").content) > 3_000_000


def test_fault_redirect_loop_and_offsite(client: httpx.Client, replica: Replica) -> None:
    replica.faults = Faults(redirect_loop=1.0, sticky=True)
    first = _get(client, replica, "https://allegro.pl/listing?string=drill")
    assert first.status_code == 302 and first.headers["Location"].endswith("_rl=1")
    back = _get(client, replica, first.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"] == "https://allegro.pl/listing?string=drill"
    replica.faults = Faults(offsite_redirect=1.0)
    away = _get(client, replica, "https://www.cdiscount.com/search/10/drill.html")
    assert away.status_code == 302 and away.headers["Location"].startswith(OFFSITE)


def test_server_pages_parse_to_world_figures_over_http(client: httpx.Client, replica: Replica, world: World) -> None:
    seller = next(s for s in world.storefronts_on("amazon", "de") if s.first_day == 0)
    url = f"https://www.amazon.de/sp?seller={seller.seller_id}"
    (profile,) = parse_page(_get(client, replica, url).text, "amazon", "seller", url).records
    assert (profile.seller_id, profile.positive_pct, profile.rating_count) == (
        seller.seller_id, seller.positive_pct[0], seller.rating_count[0])
