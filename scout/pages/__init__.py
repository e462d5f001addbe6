"""Pages: how a fetched or saved body is decoded (charset), identified (urls), parsed and stored with its provenance
(extract), from files on disk (ingest) or again from the archive after a parser fix (reparse).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "parse_outcome": "extract",
    "store_outcomes": "extract",
    "extract_page": "extract",
    "Outcome": "extract",
    "ingest_files": "ingest",
    "reparse_pages": "reparse",
    "decode_body": "charset",
    "canonical_url": "urls",
    "url_fingerprint": "urls",
})
