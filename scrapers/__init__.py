"""Pure parsers, one module per marketplace: text in, typed records out. No network, no database."""

from scrapers.records import Offer, ParsedPage, RankingEntry, SellerProfile
from scrapers.registry import MARKETPLACES, detect_page, parse_page

__all__ = ["MARKETPLACES", "Offer", "ParsedPage", "RankingEntry", "SellerProfile", "detect_page", "parse_page"]
