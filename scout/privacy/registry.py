"""Where personal data lives in Scout's database: the one registry `scout forget` works from.

OWNED names the tables whose rows are about one storefront or business, by the column that says which: those rows
are deleted (or unlinked, where the row is about a product and only names the seller). Every text column of every
table is named once, in one of four roles:
- IDENTIFYING: on the business's own rows (its storefronts, the business), the values that identify it: forget
  looks for them everywhere else (names, ids, addresses, VAT id, URLs);
- ERASED_WITH_ROW: other text of the owned tables, gone when the business's rows are deleted (in the rows of other
  businesses they describe those businesses, and stay);
- FREE_TEXT: columns any row of which may mention the business (titles, URLs, errors, JSON options): the
  identifying values are redacted in place, in every row;
- NOT_PERSONAL: codes, statuses, hashes and labels.
Page bodies (`page.body`, compressed) are searched and redacted by scout.privacy.forget itself.
tests/scout/privacy/test_registry.py fails when a table gains a text column this registry does not name.
"""

from __future__ import annotations

from typing import NamedTuple


class Owned(NamedTuple):
    """Rows of `table` whose `column` holds the business's `key` ("seller_pk", "business_id" or "business_key")."""

    table: str
    column: str
    key: str
    unlink: bool = False  # set the column to NULL instead of deleting the row (the row is about something else)


IDENTIFYING: dict[str, tuple[str, ...]] = {
    "seller": ("seller_id", "name", "business_name", "business_address", "vat_number", "url", "phone", "email",
               "website", "trade_register"),
    "business": ("name", "website", "email_domain", "vat_number"),
}
# the seller_contact fields whose values identify a business (not its country or business type): forget redacts
# every value of these its storefronts ever showed, not only the latest one on the seller row
IDENTIFYING_CONTACT_FIELDS = ("legal_name", "address", "customer_service_address", "phone", "email", "website",
                              "vat_number", "trade_register")
OWNED: tuple[Owned, ...] = (  # in deletion order: a row before the rows it references
    Owned("seller_contact", "seller_pk", "seller_pk"),
    Owned("sellersnapshot", "seller_pk", "seller_pk"),
    Owned("offer", "seller_pk", "seller_pk"),
    Owned("ranking_entry", "seller_pk", "seller_pk", unlink=True),
    Owned("seller_score", "seller_pk", "seller_pk"),
    Owned("seller_score", "business_key", "business_key"),
    Owned("lead_score", "business_key", "business_key"),
    Owned("lead_score", "main_seller_pk", "seller_pk"),
    Owned("offer_event", "business_id", "business_id"),
    Owned("outreach", "business_id", "business_id"),
    Owned("seller", "id", "seller_pk"),
    Owned("business", "id", "business_id"),
)
ERASED_WITH_ROW: dict[str, tuple[str, ...]] = {
    "business": ("normalized_name", "country", "match_evidence"),
    "seller": ("site", "country", "category", "opened_on", "business_type"),
    # every observed contact value of the storefront (older phone numbers, customer-service addresses too):
    # scout.privacy.erase adds the identifying ones (all but country and business type) to the values it redacts
    "seller_contact": ("value", "label", "source_url"),
    "lead_score": ("business_key", "name", "normalized_name", "main_url", "country", "categories", "reason",
                   "storefront_gmv"),
    "seller_score": ("business_key", "normalized_name", "normalized_legal_name", "reason", "categories",
                     "raw_categories"),
    "outreach": ("offer_code", "draft_path", "owner", "note", "channel_override"),
    "offer_event": ("offer_code", "by", "from_owner", "to_owner", "note", "source", "draft_path", "state_before"),
}
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "ranking_entry": ("title",),
    "offer": ("title",),
    "page": ("url", "parse_error"),
    "frontier": ("url", "error", "context"),
    "crawl": ("options",),
    "sellersnapshot": ("source_url",),
    "suppression": ("reason",),
}
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "crawl": ("source", "status"),
    # forget keeps one name-only do-not-contact entry and removes the person's other entries (scout.privacy.forget)
    "suppression": ("name", "normalized_name", "domain", "marketplace", "seller_id", "kind", "source"),
    "outreach": ("status", "language", "channel", "channel_rule"),
    "offer_event": ("action", "from_status", "to_status", "suppression_ids"),
    "page": ("fingerprint", "marketplace", "kind", "content_hash", "content_type", "parse_status",
             "parser_version"),
    "seller": ("marketplace",),
    "frontier": ("fingerprint", "marketplace", "kind", "status", "host", "worker_id"),
    "crawl_host": ("host",),  # a marketplace's host name, for pacing crawl workers
    "crawl_worker": ("id", "hostname", "status"),  # Scout's own worker processes and the machines they run on
    "lead_score": ("marketplaces", "currency", "revenue_period", "revenue_basis", "gmv_basis", "rate_date"),
    "offer": ("product_id", "currency", "category"),
    "ranking_entry": ("marketplace", "site", "list_name", "product_id", "currency"),
    "seller_score": ("marketplace", "count_basis", "quality_basis", "momentum_series", "currency", "price_basis",
                     "feedback_source", "orders_basis", "revenue_period", "gmv_basis", "reporting_currency",
                     "rate_date"),
    "score_run": ("reporting_currency", "data_mark"),
    "sellersnapshot": ("parser_version",),
    "seller_contact": ("field",),
    "do_not_collect": ("marketplace", "key_hash", "reason"),
}
PAGE_BODY = ("page", "body")


def registered_columns() -> set[tuple[str, str]]:
    """Every (table, column) the registry names, in any role."""
    named = {PAGE_BODY}
    for roles in (IDENTIFYING, ERASED_WITH_ROW, FREE_TEXT, NOT_PERSONAL):
        named |= {(table, column) for table, columns in roles.items() for column in columns}
    named |= {(place.table, place.column) for place in OWNED}
    return named
