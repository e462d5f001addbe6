"""Canonical URLs and their fingerprints, so one page is fetched and stored once however it was linked."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = re.compile(
    r"^(utm_.*|ref|ref_|pf_rd_.*|pd_rd_.*|qid|sr|_encoding|psc|crid|sprefix|keywords|content-id|"
    r"dib|dib_tag|smid|th|spLa|gclid|fbclid|mc_.*|_trkparms|_trksid|hash|epid|itmmeta)$"
)
_AMAZON_REF = re.compile(r"/ref=[^/?]*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """`url` with scheme and host lower-cased, default port, fragment and tracking parameters dropped, query sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _AMAZON_REF.sub("", parts.path) or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


@lru_cache(maxsize=8192)  # a crawl meets the same links again and again (a seller on every page of its offers)
def url_fingerprint(url: str) -> str:
    """A short stable id of the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode()).hexdigest()
