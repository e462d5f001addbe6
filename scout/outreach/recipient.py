"""Who a draft goes to: the business's storefronts, the language to write in, whether the GDPR notice applies, and
whether it may be a sole trader (a person) whose draft needs a review."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scout.identity.names import COMPANY_DESCRIPTORS, LEGAL_FORMS, STOP_WORDS, fold_text
from scout.sanitize import strip_control

# EU and EEA member states, and the UK (UK GDPR): recipients there get the Art. 14/21 notice.
EU_COUNTRIES = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
                         "IS LI NO GB".split())
EU_MARKETPLACES = frozenset({"allegro", "cdiscount"})
COUNTRY_LANGUAGE = {"FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr", "DE": "de", "AT": "de", "CH": "de", "IT": "it",
                    "SM": "it", "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "UY": "es",
                    "VE": "es", "EC": "es", "BO": "es", "PY": "es", "CR": "es", "PA": "es", "DO": "es", "GT": "es",
                    "PL": "pl", "BR": "pt", "PT": "pt"}
MARKETPLACE_LANGUAGE = {"cdiscount": "fr", "mercadolibre": "es", "allegro": "pl"}
SITE_LABELS = {"mercadolibre": "MercadoLibre", "mercadolivre": "MercadoLivre", "ebay": "eBay"}
GIVEN_NAMES = frozenset("""
    james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark
    paul steven andrew kevin brian george edward peter mary patricia jennifer linda elizabeth barbara susan jessica
    sarah karen lisa nancy sandra ashley emily emma olivia sophie anna laura julia helen kate jean pierre michel
    philippe alain nicolas francois marie nathalie isabelle sylvie catherine christine camille julien sebastien
    stephane claire chloe lea manon louis luc antoine hans klaus jurgen stefan wolfgang andreas markus uwe frank
    sabine petra monika ursula claudia katrin lukas felix max leon jonas anja birgit heike jose antonio manuel
    francisco juan javier carlos jesus miguel rafael pedro luis maria carmen ana josefa isabel dolores pilar
    teresa lucia paula elena marta alejandro pablo diego sofia giuseppe giovanni marco luca andrea francesco
    alessandro matteo lorenzo paolo stefano roberto giulia chiara francesca sara valentina alessandra federica
    elisa silvia piotr krzysztof tomasz pawel marcin michal jakub katarzyna agnieszka malgorzata joanna magdalena
""".split())
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.-])*")
# Legal forms that are a person trading under their own name, per country (matched on the folded, lower-cased
# name): the offer then goes to a person, whose data protection and e-mail rules are stricter than a company's.
SOLE_TRADER_FORMS = re.compile(r"""(?x)(?<![\w.])(
    e\.\s?k(?:fm|fr)?\.?(?![\w])|eingetragene[rn]?\s+kauf(?:mann|frau)|einzelunternehme(?:n|r|rin)  # DE AT
    |ei(?![\w.])|eirl|e\.i\.r\.l\.|entreprise\s+individuelle|entrepreneur\s+individuel                # FR
    |(?:micro|auto)[-\s]?entrepreneur|micro[-\s]?entreprise
    |ditta\s+individuale|impresa\s+individuale                                                        # IT
    |autonom[oa]|empresari[oa]\s+individual                                                           # ES
    |jednoosobowa\s+dzialalnosc(?:\s+gospodarcza)?|jdg(?![\w])                                        # PL
    |sole\s+trader|sole\s+propriet(?:orship|ress|or)|t/a(?![\w])                                     # UK US
)""")


@dataclass(frozen=True)
class Storefront:
    """One storefront of a business, with the public figures a draft may quote."""

    marketplace: str
    seller_id: str
    site: str | None = None
    url: str | None = None
    name: str | None = None
    business_name: str | None = None
    country: str | None = None
    stars: float | None = None
    positive_share: float | None = None  # 0-1
    rating_count: int | None = None
    categories: tuple[str, ...] = ()  # keys of the shared taxonomy (scout.scoring.categories)

    @property
    def label(self) -> str:
        """How the draft names the storefront's site: "Amazon.fr", "eBay.de", "Etsy"."""
        site = strip_control(self.site or self.marketplace).strip().lower() or self.marketplace
        head, dot, rest = site.partition(".")
        return SITE_LABELS.get(head, head[:1].upper() + head[1:]) + dot + rest


def site_country(site: str | None) -> str | None:
    """The country of a national marketplace site (amazon.co.uk → GB, mercadolibre.com.ar → AR); None for .com."""
    if not site:
        return None
    labels = site.lower().strip(".").split(".")
    tld = labels[-1]
    if tld == "uk":
        return "GB"
    return tld.upper() if len(tld) == 2 and len(labels) > 1 else None


def choose_language(storefronts: Sequence[Storefront], business_country: str | None, requested: str = "auto") -> str:
    """The draft's language: `requested`, else the main storefront's site, marketplace or country, else English."""
    if requested != "auto":
        return requested
    if not storefronts:
        return COUNTRY_LANGUAGE.get((business_country or "").upper(), "en")
    main = storefronts[0]
    national = site_country(main.site)
    if national is not None:
        return COUNTRY_LANGUAGE.get(national, MARKETPLACE_LANGUAGE.get(main.marketplace, "en"))
    if main.marketplace in MARKETPLACE_LANGUAGE:
        return MARKETPLACE_LANGUAGE[main.marketplace]
    country = (main.country or business_country or "").upper()
    return COUNTRY_LANGUAGE.get(country, "en")


def needs_eu_notice(storefronts: Sequence[Storefront], business_country: str | None) -> bool:
    """Whether any storefront (or the business) is in the EU/EEA/UK, so GDPR Art. 14 applies."""
    countries = {(business_country or "").upper()}
    for store in storefronts:
        countries |= {site_country(store.site) or "", (store.country or "").upper()}
        if store.marketplace in EU_MARKETPLACES:
            return True
    return bool(countries & EU_COUNTRIES)


def _tokens(name: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold_text(name).lower().translate(str.maketrans("", "", ".'’")))


def looks_like_person(name: str | None) -> bool:
    """A name like "Maria Pelagio": a common given name, then one to three name-like words, nothing else."""
    words = strip_control(name or "").split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in words):
        return False
    tokens = _tokens(" ".join(words))
    if not tokens or tokens[0] not in GIVEN_NAMES:
        return False
    return not set(tokens) & (LEGAL_FORMS | COMPANY_DESCRIPTORS | STOP_WORDS)


def sole_trader_form(name: str | None) -> str | None:
    """The sole-trader legal form a business name carries ("e.K.", "EIRL", "ditta individuale" …), or None."""
    folded = fold_text(strip_control(name or "")).lower()
    match = SOLE_TRADER_FORMS.search(folded)
    return match.group(1) if match else None


def sole_trader_flags(business_name: str, storefronts: Sequence[Storefront]) -> list[str]:
    """Why a draft may be addressed to a sole trader (a person) rather than a company: review it before sending."""
    flags: list[str] = []
    names = [business_name] + [n for s in storefronts for n in (s.name, s.business_name) if n]
    form = next(((n, f) for n in names if (f := sole_trader_form(n))), None)
    if form is not None:
        flags.append(f"sole trader: legal form {form[1]!r} in {strip_control(form[0])!r}")
    person = next((n for n in names if looks_like_person(n)), None)
    if person is not None:
        flags.append(f"sole trader? person-like name {strip_control(person)!r}")
    legal = [s.business_name for s in storefronts if s.business_name]
    if legal and form is None and not any(set(_tokens(n)) & LEGAL_FORMS for n in legal + [business_name]):
        flags.append(f"sole trader? no legal form in the business name {strip_control(legal[0])!r}")
    return flags
