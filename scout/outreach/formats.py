"""A draft written out: as Markdown, as an RFC 5322 message (.eml), or as a row of drafts.csv. Nothing is sent."""

from __future__ import annotations

import csv
import re
import urllib.parse
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scout.money import rounded
from scout.outreach.channels import EMAIL, EMAIL_ADDRESS, LETTER, MARKETPLACE
from scout.sanitize import FORMULA_PREFIXES, WIDE_PREFIXES, csv_safe, strip_control
from scout.settings import OutreachSettings

if TYPE_CHECKING:
    from scout.outreach.drafts import Draft

FORMATS = ("md", "eml", "csv")
CSV_HEADERS = ("business_id", "business", "status", "offer_code", "language", "expires_on", "free_months",
               "commission_pct", "channel", "channel_rule", "recipient", "contact_source", "storefronts",
               "storefront_url", "subject", "body", "monthly_gmv_low", "monthly_gmv_high", "currency",
               "waived_commission_low", "waived_commission_high", "eu_notice", "review", "suppressed")


def recipient_line(draft: Draft) -> str:
    """The To: line of a draft as its channel allows: the e-mail address, the postal address, the number to call,
    or the storefront to write through."""
    channel = draft.channel
    where = strip_control(channel.recipient or "") if channel is not None else ""
    if channel is None or channel.channel == MARKETPLACE or not where:
        return f"(no contact may be used: write through the marketplace at {draft.storefront_url})"
    if channel.channel == EMAIL:
        return where
    if channel.channel == LETTER:
        return f"{draft.business_name}, {where} (postal letter)"
    return f"{where} (phone: call, do not e-mail)"


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def draft_markdown(draft: Draft, settings: OutreachSettings) -> str:
    """A draft as Markdown: the message and the internal notes in two fenced blocks (nothing in them renders)."""
    message = (f"From: {settings.sender_name} <{settings.sender_email}>\n"
               f"To: {recipient_line(draft)}\n"
               f"Subject: {draft.subject}\n\n{draft.body}")
    notes = "".join(f"{key}: {value}\n" for key, value in draft.notes())
    fence = _fence(message + notes)
    what = "Follow-up to offer" if draft.kind == "followup" else "Offer"
    title = f"# {what} {draft.offer.code} ({draft.language})" + (" - SUPPRESSED, DO NOT SEND" if draft.suppressed
                                                                   else "")
    return (f"{title}\n\n## Message\n\n{fence}text\n{message}{fence}\n\n"
            f"## Internal notes (for the team, not part of the message)\n\n{fence}text\n{notes}{fence}\n")


def draft_email(draft: Draft, settings: OutreachSettings, now: datetime) -> bytes:
    """A draft as an RFC 5322 message (CRLF, UTF-8), unsent, with a List-Unsubscribe header."""
    import email.policy  # here, not at the top: `scout outreach draft --help` needs FORMATS, not the email package
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = Address(display_name=settings.sender_name, addr_spec=settings.sender_email)
    channel = draft.channel
    to = channel.recipient if channel is not None and channel.channel == EMAIL and channel.recipient else None
    msg["To"] = Address(addr_spec=to) if to and EMAIL_ADDRESS.fullmatch(to) else "undisclosed-recipients:;"
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(now)
    which = f"{draft.offer.code}.followup" if draft.kind == "followup" else draft.offer.code
    msg["Message-ID"] = f"<{which}.{now:%Y%m%d%H%M%S}@{settings.sender_email.rpartition('@')[2]}>"
    msg["List-Unsubscribe"] = f"<{opt_out_mailto(settings, draft.offer.code)}>"
    msg["X-Scout-Offer-Code"] = draft.offer.code
    for key, value in draft.notes():
        msg["X-Scout-" + "-".join(w.capitalize() for w in re.findall(r"[A-Za-z]+", key))] = value
    msg.set_content(draft.body)
    msg["Content-Language"] = draft.language  # after set_content, which replaces the Content-* headers
    return msg.as_bytes()


def _cell(value: Any) -> Any:
    """A CSV cell: one-line text made inert by csv_safe; the multi-line body keeps its lines, guarded at its start."""
    if isinstance(value, str) and "\n" in value:
        return "'" + value if value.lstrip().startswith(FORMULA_PREFIXES + WIDE_PREFIXES) else value
    return csv_safe(value)


def draft_row(draft: Draft) -> list[Any]:
    """One CSV row (see CSV_HEADERS)."""
    econ, channel = draft.economics, draft.channel
    values = (draft.business_id, draft.business_name, draft.status, draft.offer.code, draft.language,
              draft.offer.expires_on.isoformat(), draft.offer.free_months, draft.offer.commission_pct,
              channel.channel if channel else "", channel.rule if channel else "",
              (channel.recipient or "") if channel else "", (channel.source or "") if channel else "",
              ", ".join(draft.sites), draft.storefront_url, draft.subject, draft.body, rounded(econ.gmv_low),
              rounded(econ.gmv_high), econ.currency, rounded(econ.waived_low), rounded(econ.waived_high),
              "yes" if draft.eu_notice else "no", "; ".join(draft.review), draft.suppressed or "")
    return [_cell(v) for v in values]


def write_drafts_csv(drafts: Sequence[Draft], path: Path) -> None:
    """All drafts of a run in one CSV (UTF-8): the offers, their economics and review flags."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADERS)
        writer.writerows(draft_row(d) for d in drafts)


def opt_out_mailto(settings: OutreachSettings, code: str) -> str:
    """The List-Unsubscribe mailto of a draft: a reply with subject STOP and the offer code."""
    return f"mailto:{settings.sender_email}?subject={urllib.parse.quote(f'STOP {code}')}"
