"""Where an offer stands, and the moves between statuses that the pipeline allows.

    drafted ──> sent ──> replied ──> onboarded      (final: the business goes on the suppression list)
       │          │         │
       │          ├─────────┴──────> declined ──> drafted   (a later, fresh offer)
       │          └────────────────> onboarded
       └──────────┴─────────┴──────> opted-out      (final: do-not-contact, from any state, even with no offer)

An offer is sent before it can be replied to, declined or accepted; `drafted → onboarded` is refused (a seller who
joined on their own belongs on the suppression list: `scout suppress add … --kind onboarded`). Marking the
current status again changes nothing. A suppressed business cannot be marked sent.
"""

from __future__ import annotations

from scout.errors import InputError

STATUSES = ("drafted", "sent", "replied", "onboarded", "declined", "opted-out")
ACTIVE = ("replied", "sent", "drafted")  # an active offer blocks a second one; listed in this order
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"opted-out"}),  # no offer yet: only an opt-out can be recorded
    "drafted": frozenset({"sent", "opted-out"}),
    "sent": frozenset({"replied", "onboarded", "declined", "opted-out"}),
    "replied": frozenset({"onboarded", "declined", "opted-out"}),
    "declined": frozenset({"drafted", "opted-out"}),
    "onboarded": frozenset(),
    "opted-out": frozenset(),
}


def check_status(status: str) -> str:
    """The status, or an InputError naming the known ones."""
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    return status
