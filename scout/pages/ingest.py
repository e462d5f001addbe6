"""`scout ingest`: store saved pages and API responses (e.g. saved from a browser) as snapshots with provenance.

Saved pages are often gzip-compressed (`.html.gz`): they are read as the plain files they hold.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from db.archive import archive_page
from db.engine import session_scope
from db.store import StoreCounts
from scout.errors import InputError
from scout.pages.charset import decode_body
from scout.pages.extract import Outcome, extract_page
from scout.pages.urls import url_fingerprint


@dataclass
class IngestReport:
    """What an ingest stored, file by file."""

    files: list[tuple[Path, Outcome]] = field(default_factory=list)
    totals: StoreCounts = field(default_factory=StoreCounts)

    @property
    def failed(self) -> list[tuple[Path, Outcome]]:
        """Files that were blocked pages or that no parser could read."""
        return [(path, outcome) for path, outcome in self.files if outcome.status != "ok"]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the files inside folders named (sorted); a missing path is an InputError."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


GZIP_MAGIC = b"\x1f\x8b"
MAX_SAVED_BYTES = 256 * 1024 * 1024  # a saved page larger than this once decompressed is refused, not read


def read_saved(path: Path, max_bytes: int = MAX_SAVED_BYTES) -> bytes:
    """The bytes of a saved page, decompressed when it is gzip (`.html.gz` or any gzip body); InputError when the
    file cannot be read, is a broken gzip, or is (or decompresses to) more than `max_bytes`, like a fetched body
    over `[crawler] max_body_bytes`."""
    try:
        check_sizes([path], max_bytes)
        body = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    if not body.startswith(GZIP_MAGIC):
        return body
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = inflate.decompress(body, max_bytes + 1)
    except zlib.error as err:
        raise InputError(f"{path}: not a readable gzip file ({err})") from None
    if len(out) > max_bytes:
        raise InputError(f"{path}: decompresses to more than the limit of {max_bytes:,} bytes (--max-bytes to raise "
                         "it)")
    if not inflate.eof:
        raise InputError(f"{path}: truncated gzip file")
    return out


def check_sizes(paths: Iterable[Path], max_bytes: int) -> None:
    """InputError naming the first file over `max_bytes`, before anything is read or stored."""
    for path in paths:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is more than the limit of {max_bytes:,} (--max-bytes to raise "
                             "it)")


def ingest_files(
    engine: Engine, paths: Iterable[Path], *, as_of: datetime | None = None,
    marketplace: str | None = None, kind: str | None = None, max_bytes: int = MAX_SAVED_BYTES,
) -> IngestReport:
    """Archive and parse each file, storing its records; ingesting the same file again changes nothing."""
    report = IngestReport()
    files = expand_paths(paths)
    try:
        check_sizes(files, max_bytes)
    except InputError as err:
        raise InputError(f"{err}; nothing was stored") from None
    for path in files:
        body = read_saved(path, max_bytes)
        url = path.resolve().as_uri()
        observed_at = as_of or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        with session_scope(engine) as session:
            page = archive_page(session, url=url, fingerprint=url_fingerprint(url), body=body,
                                fetched_at=observed_at, status=0)
            outcome = extract_page(session, page, decode_body(body), observed_at=page.fetched_at,
                                   marketplace=marketplace, kind=kind)
        report.files.append((path, outcome))
        report.totals.add(outcome.counts)
    return report
