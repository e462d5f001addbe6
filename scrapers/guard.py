"""The nesting-depth guard every parse runs under: a hostile page nested thousands of levels deep is refused
before a parser spends minutes on it (lexbor's tree building grows with the square of the depth) or recurses
past Python's limit (json)."""

from __future__ import annotations

import re

from scrapers.errors import TooDeepError

MAX_DEPTH = 2000  # real pages nest a few dozen levels; a few hundred would already be odd

# Comments, raw-text elements (their content is not markup) and tags; elements whose end tag may be left out,
# and void elements, never deepen the tree, so they are not counted.
_MARKUP = re.compile(r"<!--.*?-->|<(script|style|textarea|title)\b.*?</\1\s*>|<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>",
                     re.DOTALL | re.IGNORECASE)
_FLAT = frozenset("area base br col embed hr img input link meta source track wbr p li dt dd option optgroup "
                  "tr td th thead tbody tfoot colgroup caption rb rt rp html head body".split())


def check_html_depth(html: str, limit: int = MAX_DEPTH) -> None:
    """Raise TooDeepError when elements in `html` nest deeper than `limit` (counted from its tags)."""
    if html.count("<") <= limit:
        return
    depth = 0
    for match in _MARKUP.finditer(html):
        name = match[3]
        if name is None or match[4] or name.lower() in _FLAT:
            continue
        if match[2]:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                raise TooDeepError("html", limit)

