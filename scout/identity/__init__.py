"""Identity: one business across marketplaces. Names and addresses normalised (names), compared within blocks
(blocks), storefronts linked into businesses (linking); the suppression list (suppression) and the one rule of
whom it catches (suppressed); a business's public contact details (contacts); which business a command-line
argument names (lookup).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "match_businesses": "linking",
    "link_storefronts": "linking",
    "normalize_name": "names",
    "business_key": "keys",
    "SuppressionList": "suppressed",
    "suppression_verdicts": "suppressed",
    "list_catches": "suppressed",
    "add_suppression": "suppression",
    "import_suppressions": "suppression",
    "resolve_business": "lookup",
    "business_contacts": "contacts",
    "storefront_contacts": "contacts",
})
