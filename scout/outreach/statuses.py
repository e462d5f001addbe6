"""Where an offer stands, and the moves between statuses that the pipeline allows.

    new ──> drafted ──> sent ──> replied ──> onboarded      (final: the business goes on the suppression list)
             │           │          │
             │           ├──────────┴──────> declined ──> drafted   (a later, fresh offer)
             │           └─────────────────> onboarded
             └───────────┴──────────┴──────> opted-out      (final: do-not-contact, from any state, even with no offer)

`new` is a business with no offer yet, or one assigned to an owner (`scout outreach assign`) before its draft;
`scout outreach draft` moves it to drafted. An offer is sent before it can be replied to, declined or accepted;
`drafted → onboarded` is refused (a seller who joined on their own belongs on the suppression list:
`scout suppress add … --kind onboarded`). Marking the current status again changes nothing but the note and the
next step. A suppressed business cannot be marked sent. `scout outreach undo` is the one way back against the
arrows: it restores what the last change replaced.
"""

from __future__ import annotations

from scout.errors import InputError

STATUSES = ("drafted", "sent", "replied", "onboarded", "declined", "opted-out")
NO_OFFER = "new"  # no offer record, or one assigned to an owner and not drafted yet
ACTIVE = ("replied", "sent", "drafted")  # an active offer blocks a second one; listed in this order
FINAL = ("onboarded", "opted-out")  # nothing follows: a next step is cleared
EXPIRED = "expired"  # not a status: an active offer past its expiry date, as `scout pipeline --status` filters it
TRANSITIONS: dict[str, frozenset[str]] = {
    NO_OFFER: frozenset({"opted-out"}),  # no offer yet: only an opt-out can be recorded
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


def check_status_filter(status: str) -> str:
    """A status `scout pipeline --status` can list: any status, new (assigned, not drafted) or expired."""
    if status not in (NO_OFFER, *STATUSES, EXPIRED):
        raise InputError(f"unknown status {status!r} (known: {', '.join((NO_OFFER, *STATUSES, EXPIRED))})")
    return status
