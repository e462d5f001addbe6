"""`scout leads --crm hubspot|salesforce|pipedrive FILE.csv`: leads in the columns each CRM's import documents, one
row per business (a company, account or organization) with its contact person where Scout knows one.

Headers follow each CRM's documentation, so its import maps them without manual work:
- HubSpot, one file with companies and contacts (knowledge.hubspot.com "Set up your import file", "Import records for
  multiple objects"): default properties by label; "Company Domain Name" is how HubSpot tells companies apart.
- Salesforce, Data Import Wizard "Accounts and Contacts" (help.salesforce.com "Field Mapping for Other Data Sources
  and Organization Import"): "Record Owner" owns both records; the other columns are the fields' labels.
- Pipedrive, a spreadsheet with organizations and people (support.pipedrive.com "Importing: mandatory fields"):
  "Organization - Name" is required, "Person - Name" links a person to it, a note travels in "Note - Content".

The contact is a person only when the business name is one (a sole trader: "Maria Pelagio"); no e-mail address or
phone is exported, since whether one may be used is the channel gate's decision per draft (scout.outreach.channels).
A storefront URL is never given as a website or domain (a CRM would merge every seller of one marketplace into one
company): it goes in the description. Suppressed businesses are never exported. Every cell is made spreadsheet-safe
(scout.sanitize.csv_safe).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Business, Seller
from scout.errors import InputError
from scout.identity.names import normalize_domain
from scout.money import short_amount
from scout.outreach.recipient import looks_like_person
from scout.sanitize import csv_safe, strip_control
from scout.scoring.leads import Lead

CRMS = ("hubspot", "salesforce", "pipedrive")


@dataclass(frozen=True)
class CrmRecord:
    """What Scout knows about one lead that a CRM can take."""

    name: str
    domain: str | None  # the business's own web domain, never a marketplace's
    website: str | None
    country: str | None
    address: str | None
    owner: str | None
    first_name: str | None  # the contact person, for a sole trader
    last_name: str | None
    summary: str

    @property
    def person(self) -> str | None:
        """The contact person's full name, if Scout knows one."""
        return " ".join(p for p in (self.first_name, self.last_name) if p) or None


Column = tuple[str, Callable[[CrmRecord], str | None]]
COLUMNS: dict[str, tuple[Column, ...]] = {
    "hubspot": (
        ("Company name", lambda r: r.name), ("Company Domain Name", lambda r: r.domain),
        ("Website URL", lambda r: r.website), ("Country/Region", lambda r: r.country),
        ("Company owner", lambda r: r.owner), ("Description", lambda r: r.summary),
        ("First Name", lambda r: r.first_name), ("Last Name", lambda r: r.last_name),
        ("Contact owner", lambda r: r.owner if r.person else None)),
    "salesforce": (
        ("Account Name", lambda r: r.name), ("Website", lambda r: r.website),
        ("Billing Country", lambda r: r.country), ("Account Description", lambda r: r.summary),
        ("Record Owner", lambda r: r.owner), ("First Name", lambda r: r.first_name),
        ("Last Name", lambda r: r.last_name)),
    "pipedrive": (
        ("Organization - Name", lambda r: r.name), ("Organization - Address", lambda r: r.address),
        ("Organization - Owner", lambda r: r.owner), ("Person - Name", lambda r: r.person),
        ("Person - Owner", lambda r: r.owner if r.person else None), ("Note - Content", lambda r: r.summary)),
}


def check_crm(crm: str) -> str:
    """The CRM's name in lower case, or an InputError naming the known ones."""
    name = crm.strip().lower()
    if name not in CRMS:
        raise InputError(f"unknown CRM {crm!r} (known: {', '.join(CRMS)})")
    return name


def crm_headers(crm: str) -> tuple[str, ...]:
    """The header row of a CRM's import file."""
    return tuple(name for name, _ in COLUMNS[check_crm(crm)])


def summarize(lead: Lead) -> str:
    """One line about a lead for the CRM's description or note: its score, storefronts, estimate and pipeline."""
    score = "low data" if lead.insufficient else f"{lead.score:.1f}/100"
    parts = [f"Scout lead #{lead.rank}, score {score}", f"sells on {', '.join(lead.marketplaces)}"]
    if lead.main_url:
        parts.append(f"storefront {lead.main_url}")
    if lead.gmv_month_low is not None and lead.gmv_month_high is not None:
        unit = f" {lead.currency}" if lead.currency else ""
        parts.append(f"estimated GMV {short_amount(lead.gmv_month_low)}-{short_amount(lead.gmv_month_high)}{unit} "
                     "per month")
    parts.append(f"pipeline: {lead.status}")
    parts.append("figures from public marketplace pages")
    return strip_control("; ".join(parts))


def crm_records(session: Session, leads: Sequence[Lead]) -> list[CrmRecord]:
    """The CRM view of each lead (suppressed ones left out)."""
    ids = [lead.business_id for lead in leads if lead.business_id is not None]
    businesses = {b.id: b for b in session.execute(select(Business).where(col(Business.id).in_(ids))).scalars()}
    addresses: dict[int, str] = {}
    for bid, address in session.execute(select(col(Seller.business_id), col(Seller.business_address)).where(
            col(Seller.business_id).in_(ids), col(Seller.business_address).is_not(None)).order_by(col(Seller.id))):
        addresses.setdefault(bid, address)
    records = []
    for lead in leads:
        if lead.suppressed:
            continue
        business = businesses.get(lead.business_id)
        website = business.website if business is not None else None
        domain = normalize_domain(website) or normalize_domain(business.email_domain if business else None)
        name = strip_control(business.name if business is not None else lead.name).strip()
        first = last = None
        if looks_like_person(name):
            first, _, last = name.partition(" ")
        records.append(CrmRecord(name, domain, website if normalize_domain(website) else None, lead.country,
                                 addresses.get(lead.business_id or -1), lead.owner, first, last or None,
                                 summarize(lead)))
    return records


def export_crm(session: Session, leads: Sequence[Lead], crm: str, path: Path, *, bom: bool = False) -> int:
    """Write leads as one CRM's import file; how many rows were written (suppressed leads are never exported)."""
    columns = COLUMNS[check_crm(crm)]
    records = crm_records(session, leads)
    try:
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(name for name, _ in columns)
            writer.writerows([csv_safe(get(record) or "") for _, get in columns] for record in records)
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from None
    return len(records)
