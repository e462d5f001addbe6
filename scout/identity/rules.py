"""The thresholds and names that identity decisions share: light enough for `scout match --help` to show them."""

from __future__ import annotations

MATCH_THRESHOLD = 0.90  # normalised-name similarity (rapidfuzz Indel, 0-1) a fuzzy link between storefronts needs
SUPPRESS_THRESHOLD = 0.92  # name similarity at which a suppression entry catches a business
# Suppression entry kinds, strongest first: a business caught by several shows the first that applies.
SUPPRESSION_KINDS = ("do_not_contact", "onboarded", "existing_seller")
SINGLE = "single storefront"  # match_evidence of a business with one storefront
MANUAL_PREFIX = "manual"  # a business whose match_evidence starts with this is a person's decision: left alone
