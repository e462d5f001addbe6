"""The shared category taxonomy: every marketplace's codes map to one key, names in every drafting language."""

from __future__ import annotations

import pytest

from scout.errors import InputError
from scout.outreach.locale import LANGUAGES
from scout.scoring.categories import CATEGORIES, category_name, classify, join_keys, resolve_category, split_keys


@pytest.mark.parametrize(("marketplace", "code", "key"), [
    ("ebay", "15032 Cell Phones & Accessories > 9355 Cell Phones & Smartphones", "electronics"),  # Browse capture
    ("ebay", "33661 Oil Filters", "automotive"),  # Finding capture (eBay Motors)
    ("walmart", "0:3944:1089430:3951", "electronics"),  # search page categoryPathId
    ("walmart", "1105910 Cell Phones > 1231203 Shop Phones by Operating System", "electronics"),  # affiliate API
    ("etsy", "1179", "fashion"),  # seller taxonomy: Jewelry
    ("mercadolibre", "MLA41925 TV_AND_MONITOR_MOUNTS", "electronics"),  # leaf id: the domain decides
    ("mercadolibre", "MLA1574", "home"),
    ("amazon", "hi", "tools"),  # best-seller slug of amazon.com
    ("amazon", "ce-de", "electronics"),
    ("amazon", "228013", "tools"),  # browse node
    ("amazon", "Tools & Home Improvement", "tools"),  # the list's own name
    ("amazon", "Küche, Haushalt & Wohnen", "kitchen"),
    ("allegro", "Elektronika > Telefony i Akcesoria", "electronics"),
    ("allegro", "Dom i Ogród > Narzędzia", "home"),  # the top-level segment decides
    ("cdiscount", "High-Tech > Téléviseurs", "electronics"),
    ("cdiscount", "Animalerie > Chien", "pets"),
])
def test_marketplace_codes_map_to_the_shared_taxonomy(marketplace: str, code: str, key: str) -> None:
    assert classify(marketplace, code) == key


@pytest.mark.parametrize("code", [None, "", "9999999", "Model Trains", "zzz-unknown", "destroyer"])
def test_unknown_codes_stay_unclassified(code: str | None) -> None:
    assert classify("ebay", code) is None


def test_every_category_has_a_name_in_every_drafting_language() -> None:
    for key, category in CATEGORIES.items():
        assert set(category.names) >= set(LANGUAGES), key
    assert category_name("tools", "de") == "Baumarkt & Werkzeug" and category_name("kitchen", "fr") == "Cuisine"


@pytest.mark.parametrize(("text", "key"), [("kitchen", "kitchen"), ("Home Improvement", "tools"),
                                           ("KÜCHE", "kitchen"), ("animalerie", "pets"), ("  Pet   Supplies ", "pets")])
def test_a_category_option_takes_a_name_or_a_code(text: str, key: str) -> None:
    assert resolve_category(text) == key


def test_an_unknown_or_ambiguous_category_lists_the_choices() -> None:
    with pytest.raises(InputError, match=r"unknown category 'Gadgets'; choose one of: electronics \(Electronics\)"):
        resolve_category("Gadgets")
    with pytest.raises(InputError, match="choose one of"):
        resolve_category("e")  # a part of many names


def test_stored_keys_round_trip_as_whole_words() -> None:
    stored = join_keys(["tools", "kitchen", "tools"])
    assert stored == ",kitchen,tools," and split_keys(stored) == ["kitchen", "tools"]
    assert join_keys([]) is None and split_keys(None) == []
