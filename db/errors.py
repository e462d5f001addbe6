"""What the database layer raises. db/ imports nothing from `scout/`; scout.errors re-exports this."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be opened, created, migrated or written (the message says which and how to fix it)."""
