"""Retry policy: which statuses are retried, full-jitter backoff, Retry-After in seconds or HTTP-date."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scout.crawl.backoff import RetryPolicy, parse_retry_after

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 522, 524])
def test_is_retryable_temporary_failures(status: int) -> None:
    assert RetryPolicy().is_retryable(status)


@pytest.mark.parametrize("status", [200, 301, 400, 401, 403, 404, 410, 501])
def test_is_retryable_final_answers_not_retried(status: int) -> None:
    assert not RetryPolicy().is_retryable(status)


@given(retry=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_backoff_full_jitter_stays_within_exponential_cap(retry: int, seed: int) -> None:
    policy = RetryPolicy(base=0.5, cap=30.0)
    assert 0.0 <= policy.backoff(retry, random.Random(seed)) <= min(30.0, 0.5 * 2 ** (retry - 1))


def test_backoff_grows_exponentially_on_average() -> None:
    rng = random.Random(1)
    policy = RetryPolicy(base=1.0, cap=1000.0)
    means = [sum(policy.backoff(retry, rng) for _ in range(2000)) / 2000 for retry in (1, 2, 3, 4)]
    assert means == pytest.approx([0.5, 1.0, 2.0, 4.0], rel=0.1)


def test_wait_before_retry_after_is_a_floor() -> None:
    policy = RetryPolicy(base=0.1, cap=1.0, max_retry_after=120)
    assert policy.wait_before(1, 42.0, random.Random(0)) == 42.0
    assert policy.wait_before(1, 0.0, random.Random(0)) <= 0.1


def test_wait_before_retry_after_beyond_cap_gives_up() -> None:
    assert RetryPolicy(max_retry_after=120).wait_before(1, 3600.0, random.Random(0)) is None


@pytest.mark.parametrize(("value", "seconds"), [("120", 120.0), (" 0 ", 0.0), ("3600", 3600.0)])
def test_parse_retry_after_delta_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=90), usegmt=True), NOW) == 90.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:05:00 GMT", NOW) == 300.0


def test_parse_retry_after_date_in_past_is_zero() -> None:
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Someday, 99 Foo 2025"])
def test_parse_retry_after_malformed_is_none(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None
