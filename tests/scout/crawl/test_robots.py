"""robots.txt as RFC 9309 reads it: rules for our product token, 4xx allows, 5xx/unreachable forbids."""

from __future__ import annotations

import pytest

from scout.crawl.robots import parse_robots, product_token, robots_url

ROBOTS = """\
User-agent: ScoutBot
Disallow: /gp/offer-listing
Allow: /gp/offer-listing/public
Crawl-delay: 3

User-agent: *
Disallow: /
"""


def test_parse_robots_applies_our_group() -> None:
    policy = parse_robots(200, ROBOTS, read_at=0.0)
    assert policy.allows("https://www.amazon.de/dp/B07L6P7J2M", "ScoutBot")
    assert not policy.allows("https://www.amazon.de/gp/offer-listing/B07L6P7J2M", "ScoutBot")
    assert policy.allows("https://www.amazon.de/gp/offer-listing/public/x", "ScoutBot")


def test_parse_robots_other_agents_fall_back_to_star() -> None:
    assert not parse_robots(200, ROBOTS, read_at=0.0).allows("https://www.amazon.de/dp/1", "OtherBot")


def test_parse_robots_crawl_delay_for_our_token() -> None:
    assert parse_robots(200, ROBOTS, read_at=0.0).delay("ScoutBot") == 3.0


def test_parse_robots_request_rate_counts_as_delay() -> None:
    policy = parse_robots(200, "User-agent: *\nRequest-rate: 1/5\nCrawl-delay: 2\n", read_at=0.0)
    assert policy.delay("ScoutBot") == 5.0


def test_parse_robots_no_delay_when_absent() -> None:
    assert parse_robots(200, "User-agent: *\nDisallow:\n", read_at=0.0).delay("ScoutBot") is None


def test_parse_robots_empty_file_allows_everything() -> None:
    assert parse_robots(200, "", read_at=0.0).allows("https://x.test/anything", "ScoutBot")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_parse_robots_unavailable_4xx_allows_everything(status: int) -> None:
    policy = parse_robots(status, "", read_at=0.0)
    assert policy.allows("https://x.test/private", "ScoutBot") and not policy.unreachable


@pytest.mark.parametrize("status", [429, 500, 503, None])
def test_parse_robots_unreachable_forbids_everything(status: int | None) -> None:
    policy = parse_robots(status, "User-agent: *\nAllow: /\n", read_at=5.0)
    assert policy.unreachable and not policy.allows("https://x.test/", "ScoutBot")
    assert policy.read_at == 5.0


def test_robots_url_keeps_scheme_host_and_port() -> None:
    assert robots_url("https://www.ebay.de:8443/usr/x?y=1#z") == "https://www.ebay.de:8443/robots.txt"


@pytest.mark.parametrize(("user_agent", "token"), [
    ("ScoutBot/0.1.0 (+https://scout.invalid/bot)", "ScoutBot"),
    ("ScoutBot", "ScoutBot"),
    ("ScoutBot (+mailto:bd@scout.invalid)", "ScoutBot"),
])
def test_product_token_of_user_agent(user_agent: str, token: str) -> None:
    assert product_token(user_agent) == token
