"""The key a lead is known by: its business, or the storefront itself before `scout match` linked it."""

from __future__ import annotations

import re

_KEY = re.compile(r"(business|seller):(\d+)")


def business_key(business_id: int | None, seller_pk: int) -> str:
    """"business:<id>" for a matched storefront, "seller:<pk>" for one that is its own business."""
    return f"business:{business_id}" if business_id is not None else f"seller:{seller_pk}"


def split_business_key(key: str) -> tuple[int | None, int | None]:
    """(business id, None) for "business:<id>", (None, seller pk) for "seller:<pk>"; ValueError otherwise."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise ValueError(f"not a business key: {key!r}")
    number = int(match.group(2))
    return (number, None) if match.group(1) == "business" else (None, number)
