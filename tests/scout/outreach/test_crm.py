"""CRM export: each file's header is made of the CRM's documented import columns, one row per business with its
contact person where Scout knows one, never a marketplace as a company's domain, never a suppressed business, and
every cell spreadsheet-safe."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, Outreach, Seller, Suppression
from scout.errors import InputError
from scout.outreach.crm import CRMS, crm_headers, export_crm
from scout.scoring.leads import select_leads
from tests.scout.outreach.test_drafts import HOSTILE, build_outreach_db

# The import columns each CRM documents (its import maps these headers by themselves; HubSpot and Pipedrive match
# them without regard to case).
DOCUMENTED = {
    # knowledge.hubspot.com/crm-setup/set-up-your-import-file ("Import files for each object type require ...",
    # "include a [Object] owner header") and HubSpot's default company and contact properties
    "hubspot": {"company name", "company domain name", "website url", "country/region", "city", "description",
                "industry", "annual revenue", "phone number", "company owner", "first name", "last name", "email",
                "job title", "contact owner", "record id"},
    # help.salesforce.com "Field Mapping for Other Data Sources and Organization Import" (Data Import Wizard,
    # accounts and contacts): the labels it lists, and the account fields' own labels, which it maps as well
    "salesforce": {"Record Owner", "Currency ISO Code", "Contact Full Name", "First Name", "Last Name",
                   "Contact Description", "Contact Note", "Business Phone", "Email", "Title", "Account Name",
                   "Account Description", "Account Number", "Account Site", "Website", "Billing Street",
                   "Billing City", "Billing State/Province", "Billing Zip/Postal Code", "Billing Country",
                   "Industry", "Annual Revenue"},
    # support.pipedrive.com "Importing: mandatory fields" and the "<item> - <field>" columns of its spreadsheets
    "pipedrive": {"organization - name", "organization - address", "organization - owner", "organization - label",
                  "person - name", "person - first name", "person - last name", "person - email",
                  "person - phone", "person - owner", "person - organization", "note - content"},
}
REQUIRED = {  # what each import needs to create the records at all
    "hubspot": {"company domain name", "company name"},
    "salesforce": {"Account Name", "Last Name"},
    "pipedrive": {"organization - name", "person - name"},
}
CASE_BLIND = {"hubspot", "pipedrive"}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    with session_scope(engine) as session:
        def business(name: str) -> Business:
            return session.execute(select(Business).where(Business.name == name)).scalar_one()

        business("Alpha Küchen GmbH").website = "https://www.alpha-kuechen.de/impressum"
        business("Maison Lumière SARL").email_domain = "maison-lumiere.fr"
        business("Casa Verde S.L.").website = "https://www.amazon.es/shops/casa-verde"  # a storefront, not a site
        session.execute(select(Seller).where(Seller.seller_id == "A1ALPHA")).scalar_one().business_address = \
            "Hauptstr. 1, 10115 Berlin"
        session.add(Suppression(name="Bottega Rossi", normalized_name="bottega rossi", reason="existing seller"))
    yield engine
    engine.dispose()


def _export(engine: Engine, crm: str, path: Path) -> list[dict[str, str]]:
    with session_scope(engine) as session:
        leads = select_leads(session, top=10, include_suppressed=True)
        export_crm(session, leads, crm, path)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("crm", CRMS)
def test_each_crm_file_header_is_the_crms_documented_columns(crm: str) -> None:
    header = crm_headers(crm)
    seen = {h.lower() for h in header} if crm in CASE_BLIND else set(header)
    assert seen <= DOCUMENTED[crm], seen - DOCUMENTED[crm]
    assert REQUIRED[crm] <= seen
    assert len(seen) == len(header)  # no column twice


@pytest.mark.parametrize("crm", CRMS)
def test_a_crm_file_has_one_row_per_business_and_no_suppressed_one(engine: Engine, tmp_path: Path, crm: str) -> None:
    rows = _export(engine, crm, tmp_path / f"{crm}.csv")
    name = crm_headers(crm)[0]
    names = [row[name] for row in rows]
    assert "Bottega Rossi S.r.l." not in names and len(rows) == 7  # 8 leads, one suppressed
    assert names[:3] == ["Alpha Küchen GmbH", "Maison Lumière SARL", "Casa Verde S.L."]
    assert ("'" + HOSTILE.replace("\r\n", " ").replace("\x1b[31m", "")) in names  # inert in a spreadsheet
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_hubspot_companies_get_their_own_domain_never_a_marketplace(engine: Engine, tmp_path: Path) -> None:
    rows = {row["Company name"]: row for row in _export(engine, "hubspot", tmp_path / "h.csv")}
    assert rows["Alpha Küchen GmbH"]["Company Domain Name"] == "alpha-kuechen.de"
    assert rows["Alpha Küchen GmbH"]["Website URL"] == "https://www.alpha-kuechen.de/impressum"
    assert rows["Maison Lumière SARL"]["Company Domain Name"] == "maison-lumiere.fr"
    assert (rows["Casa Verde S.L."]["Company Domain Name"], rows["Casa Verde S.L."]["Website URL"]) == ("", "")
    assert "amazon" not in "".join(row["Company Domain Name"] + row["Website URL"] for row in rows.values())
    assert rows["Alpha Küchen GmbH"]["Country/Region"] == "DE"
    assert rows["Alpha Küchen GmbH"]["Description"].startswith("Scout lead #1, score 90.0/100; sells on amazon, "
                                                                "ebay; estimated GMV 12k-60k EUR per month")


def test_a_sole_trader_is_the_contact_and_owners_go_with_the_records(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        for name, owner in (("Maria Pelagio", "ana@example.com"), ("Alpha Küchen GmbH", "ben@example.com")):
            business = session.execute(select(Business).where(Business.name == name)).scalar_one()
            session.add(Outreach(business_id=business.id, status="new", offer_code=f"SC-{owner[:3]}", owner=owner))
    hubspot = {row["Company name"]: row for row in _export(engine, "hubspot", tmp_path / "h.csv")}
    maria, alpha = hubspot["Maria Pelagio"], hubspot["Alpha Küchen GmbH"]
    assert (maria["First Name"], maria["Last Name"], maria["Contact owner"]) == ("Maria", "Pelagio", "ana@example.com")
    assert (alpha["First Name"], alpha["Last Name"], alpha["Contact owner"]) == ("", "", "")
    assert alpha["Company owner"] == "ben@example.com"
    salesforce = {row["Account Name"]: row for row in _export(engine, "salesforce", tmp_path / "s.csv")}
    assert (salesforce["Maria Pelagio"]["Last Name"], salesforce["Maria Pelagio"]["Record Owner"]) == (
        "Pelagio", "ana@example.com")
    pipedrive = {row["Organization - Name"]: row for row in _export(engine, "pipedrive", tmp_path / "p.csv")}
    assert (pipedrive["Maria Pelagio"]["Person - Name"], pipedrive["Alpha Küchen GmbH"]["Person - Name"]) == (
        "Maria Pelagio", "")
    assert pipedrive["Alpha Küchen GmbH"]["Organization - Address"] == "Hauptstr. 1, 10115 Berlin"
    assert pipedrive["Alpha Küchen GmbH"]["Note - Content"].endswith("pipeline: new; figures from public "
                                                                     "marketplace pages")


def test_an_unknown_crm_is_an_input_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown CRM 'zoho' \\(known: hubspot, salesforce, pipedrive\\)"):
        _export(engine, "zoho", tmp_path / "z.csv")
