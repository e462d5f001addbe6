"""Onboarding offer drafts: one per business, in its language, with its own figures; the offer, its cost, compliance.

Language: a national marketplace site decides (amazon.fr → French, ebay.de → German, mercadolibre → Spanish,
cdiscount → French); a generic .com site (amazon.com, etsy.com, walmart.com) falls back to the seller's or the
business's country; Allegro (Polish, a language without a template) and everything else get English.

Templates are Jinja2 files (`offer_<lang>.txt.j2`, `subject_<lang>.txt.j2`) rendered in a sandbox with autoescape off;
a file of the same name in `[outreach] templates_dir` wins. Scraped values reach them only as data, stripped of
control characters: `{{ 7*7 }}` in a seller name stays literal. Every rendered draft is checked for the sender, the
company, its postal address, the offer, the opt-out and (EU/UK recipients) the GDPR Art. 14/21 notice.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from scout.errors import ConfigError
from scout.identity.names import COMPANY_DESCRIPTORS, LEGAL_FORMS, STOP_WORDS, fold_text
from scout.sanitize import strip_control
from scout.settings import OutreachSettings

LANGUAGES = ("en", "fr", "de", "es", "it")
BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_STOREFRONTS = 3  # storefront figures quoted in one draft
MAX_RANKS = 3
NBSP = "\u00a0"
# EU and EEA member states, and the UK (UK GDPR): recipients there get the Art. 14/21 notice.
EU_COUNTRIES = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
                         "IS LI NO GB".split())
EU_MARKETPLACES = frozenset({"allegro", "cdiscount"})
COUNTRY_LANGUAGE = {"FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr", "DE": "de", "AT": "de", "CH": "de", "IT": "it",
                    "SM": "it", "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "UY": "es",
                    "VE": "es", "EC": "es", "BO": "es", "PY": "es", "CR": "es", "PA": "es", "DO": "es", "GT": "es"}
MARKETPLACE_LANGUAGE = {"cdiscount": "fr", "mercadolibre": "es", "allegro": "en"}
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


@dataclass(frozen=True)
class Locale:
    """How one language writes numbers, percentages, money, dates and lists."""

    group: str
    decimal: str
    percent: str  # "{}" is the number
    money: str  # "{amount}", "{symbol}"
    date: str  # "{day}", "{month}", "{year}"
    months: tuple[str, ...]
    numbers: tuple[str, ...]  # one to twelve in words
    and_word: str
    min_grouping: int = 1  # Spanish groups only from five digits: 2400, 12.400


LOCALES = {
    "en": Locale(",", ".", "{}%", "{symbol}{amount}", "{day} {month} {year}",
                 tuple("January February March April May June July August September October November December"
                       .split()),
                 tuple("one two three four five six seven eight nine ten eleven twelve".split()), "and"),
    "fr": Locale(NBSP, ",", "{}" + NBSP + "%", "{amount}" + NBSP + "{symbol}", "{day} {month} {year}",
                 tuple("janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
                       .split()),
                 tuple("un deux trois quatre cinq six sept huit neuf dix onze douze".split()), "et"),
    "de": Locale(".", ",", "{}" + NBSP + "%", "{amount}" + NBSP + "{symbol}", "{day}. {month} {year}",
                 tuple("Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()),
                 tuple("ein zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split()), "und"),
    "es": Locale(".", ",", "{}" + NBSP + "%", "{amount}" + NBSP + "{symbol}", "{day} de {month} de {year}",
                 tuple("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
                       .split()),
                 tuple("uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split()), "y",
                 min_grouping=2),
    "it": Locale(".", ",", "{}%", "{amount}" + NBSP + "{symbol}", "{day} {month} {year}",
                 tuple("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
                       "dicembre".split()),
                 tuple("uno due tre quattro cinque sei sette otto nove dieci undici dodici".split()), "e"),
}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_number(value: float, language: str, digits: int = 0) -> str:
    """A number as the language writes it: 12,400.5 (en), 12 400,5 (fr), 12.400,5 (de), 2400 (es)."""
    loc = LOCALES[language]
    whole, _, frac = f"{abs(value):.{digits}f}".partition(".")
    grouped = whole if len(whole) < 4 + loc.min_grouping - 1 else f"{int(whole):,}".replace(",", loc.group)
    return ("-" if value < 0 else "") + grouped + (loc.decimal + frac if frac else "")


def format_percent(value: float, language: str) -> str:
    """A percentage (5.0 → "5 %" in German, "5%" in English); one decimal when it has one."""
    digits = 0 if float(value).is_integer() else 1
    return LOCALES[language].percent.format(format_number(value, language, digits))


def format_money(value: float, currency: str | None, language: str) -> str:
    """An amount with its currency symbol where the language puts it (€25,000 / 25.000 €)."""
    symbol = CURRENCY_SYMBOLS.get(currency or "", currency or "")
    return LOCALES[language].money.format(amount=format_number(value, language), symbol=symbol).strip()


def format_date(day: date, language: str) -> str:
    """A date spelled out (31 October 2026, 31. Oktober 2026, 31 de octubre de 2026)."""
    loc = LOCALES[language]
    return loc.date.format(day=day.day, month=loc.months[day.month - 1], year=day.year)


def join_words(items: Sequence[str], language: str) -> str:
    """"a, b and c" in the language."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {LOCALES[language].and_word} {items[-1]}"


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
    categories: tuple[str, ...] = ()

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


def sole_trader_flags(business_name: str, storefronts: Sequence[Storefront]) -> list[str]:
    """Why a draft may be addressed to a sole trader (a person) rather than a company: review it before sending."""
    flags: list[str] = []
    names = [business_name] + [n for s in storefronts for n in (s.name, s.business_name) if n]
    person = next((n for n in names if looks_like_person(n)), None)
    if person is not None:
        flags.append(f"sole trader? person-like name {strip_control(person)!r}")
    legal = [s.business_name for s in storefronts if s.business_name]
    if legal and not any(set(_tokens(n)) & LEGAL_FORMS for n in legal + [business_name]):
        flags.append(f"sole trader? no legal form in the business name {strip_control(legal[0])!r}")
    return flags


@dataclass(frozen=True)
class Economics:
    """What the offer costs us: the estimated monthly GMV range and the commission waived in the free months."""

    gmv_low: float | None
    gmv_high: float | None
    currency: str | None
    free_months: int
    commission_pct: float

    @property
    def waived_low(self) -> float | None:
        """Commission waived at the low end of the GMV range (GMV × commission × free months)."""
        return None if self.gmv_low is None else self.gmv_low * self.commission_pct / 100 * self.free_months

    @property
    def waived_high(self) -> float | None:
        """Commission waived at the high end of the GMV range."""
        return None if self.gmv_high is None else self.gmv_high * self.commission_pct / 100 * self.free_months

    def describe(self) -> tuple[str, str]:
        """(monthly GMV, free-months cost) in words for the internal notes."""
        if self.gmv_low is None or self.gmv_high is None:
            return "unknown (no revenue estimate: see scout explain)", "unknown"
        unit = f" {self.currency}" if self.currency else ""
        gmv = f"{format_number(self.gmv_low, 'en')}-{format_number(self.gmv_high, 'en')}{unit} per month"
        cost = (f"{format_number(self.waived_low or 0, 'en')}-{format_number(self.waived_high or 0, 'en')}{unit} "
                f"(GMV x {self.commission_pct:g}% x {self.free_months} months)")
        return gmv, cost


@dataclass(frozen=True)
class Offer:
    """The terms of one business's active offer."""

    code: str
    expires_on: date
    free_months: int
    commission_pct: float


@dataclass(frozen=True)
class Draft:
    """One rendered draft and everything the team needs to know before sending it."""

    business_id: int
    business_name: str
    language: str
    offer: Offer
    subject: str
    body: str
    storefront_url: str
    sites: tuple[str, ...]
    eu_notice: bool
    review: tuple[str, ...]
    suppressed: str | None
    economics: Economics
    status: str = "drafted"

    def notes(self) -> list[tuple[str, str]]:
        """The internal notes (English, for the team; never part of the message)."""
        gmv, cost = self.economics.describe()
        return [("business", f"business:{self.business_id} {self.business_name}"),
                ("storefronts", ", ".join(self.sites) or "-"),
                ("offer", f"{self.offer.code}: {self.offer.free_months} months free, then "
                          f"{self.offer.commission_pct:g}% commission; expires {self.offer.expires_on.isoformat()}"),
                ("language", self.language),
                ("estimated monthly GMV", gmv),
                ("free months cost (waived commission)", cost),
                ("EU/UK data notice", "yes" if self.eu_notice else "no"),
                ("review", "; ".join(self.review) or "-"),
                ("suppressed", f"{self.suppressed} - DO NOT SEND" if self.suppressed else "no")]


def template_environment(templates_dir: str = "") -> SandboxedEnvironment:
    """A sandboxed Jinja2 environment: the team's `templates_dir` first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir:
        folder = Path(templates_dir).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"outreach.templates_dir: {folder} is not a folder")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    return SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=False, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _render(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise ConfigError(f"outreach template {name} not found") from None
    except jinja2.TemplateError as err:  # syntax errors, undefined names, sandbox violations
        raise ConfigError(f"outreach template {name}: {err}") from None


def draft_context(*, business_name: str, storefronts: Sequence[Storefront], ranks: Sequence[tuple[int, str]],
                  offer: Offer, settings: OutreachSettings, language: str, eu_notice: bool,
                  sole_trader: bool) -> dict[str, Any]:
    """The template variables: every scraped value a plain string without control characters, numbers localised."""
    quoted = [s for s in storefronts if s.rating_count is not None and (s.stars is not None or
                                                                        s.positive_share is not None)]
    categories = list(dict.fromkeys(strip_control(c).strip() for s in storefronts for c in s.categories))
    main_url = next((s.url for s in storefronts if s.url), None)
    words = LOCALES[language].numbers
    return {
        "business_name": strip_control(business_name).strip(),
        "sole_trader": sole_trader,
        "storefronts": [{
            "site": s.label,
            "stars": None if s.stars is None else format_number(s.stars, language, 1),
            "positive": None if s.positive_share is None else format_percent(round(s.positive_share * 100, 1),
                                                                               language),
            "ratings": format_number(s.rating_count or 0, language),
        } for s in quoted[:MAX_STOREFRONTS]],
        "ranks": [{"rank": format_number(rank, language), "category": strip_control(category).strip()}
                  for rank, category in ranks[:MAX_RANKS]],
        "categories": join_words([c for c in categories if c][:3], language),
        "free_months": offer.free_months,
        "free_months_words": words[offer.free_months - 1] if 1 <= offer.free_months <= 12 else
        format_number(offer.free_months, language),
        "commission": format_percent(offer.commission_pct, language),
        "offer_code": offer.code,
        "expires": format_date(offer.expires_on, language),
        "sender_name": settings.sender_name,
        "sender_email": settings.sender_email,
        "company_name": settings.company_name,
        "postal_address": settings.postal_address,
        "storefront_url": strip_control(main_url or (storefronts[0].label if storefronts else "-")).strip(),
        "eu_notice": eu_notice,
        "data_sources": join_words(list(dict.fromkeys(s.label for s in storefronts)), language),
        "opt_out_address": settings.sender_email,
    }


def render_message(env: SandboxedEnvironment, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a draft; the subject is one line, whatever the template or the data hold."""
    subject = " ".join(strip_control(_render(env, f"subject_{language}.txt.j2", context)).split())
    body = _render(env, f"offer_{language}.txt.j2", context)
    return subject, body.rstrip() + "\n"


def compliance_gaps(body: str, context: dict[str, Any]) -> list[str]:
    """What a rendered body leaves out of what every draft must say (empty when compliant)."""
    required = {"sender name": context["sender_name"], "company name": context["company_name"],
                "postal address": context["postal_address"], "offer code": context["offer_code"],
                "offer expiry": context["expires"], "opt-out (STOP)": "STOP"}
    gaps = [what for what, text in required.items() if text not in body]
    if str(context["free_months"]) not in body and context["free_months_words"] not in body:
        gaps.append("the free months")
    if context["eu_notice"] and not ("art. 14" in body.lower() and "art. 21" in body.lower()
                                     and context["data_sources"] in body):
        gaps.append("the GDPR notice (data source, Art. 14, right to object Art. 21)")
    return gaps


def compose_draft(env: SandboxedEnvironment, settings: OutreachSettings, *, business_id: int, business_name: str,
                  business_country: str | None, storefronts: Sequence[Storefront], ranks: Sequence[tuple[int, str]],
                  offer: Offer, economics: Economics, language: str = "auto", suppressed: str | None = None,
                  status: str = "drafted") -> Draft:
    """Render one business's draft and check it; a template that drops a compliance item is a ConfigError."""
    lang = choose_language(storefronts, business_country, language)
    eu = needs_eu_notice(storefronts, business_country)
    review = sole_trader_flags(business_name, storefronts)
    context = draft_context(business_name=business_name, storefronts=storefronts, ranks=ranks, offer=offer,
                            settings=settings, language=lang, eu_notice=eu, sole_trader=any(
                                r.startswith("sole trader? person") for r in review))
    subject, body = render_message(env, lang, context)
    gaps = compliance_gaps(body, context)
    if gaps:
        raise ConfigError(f"outreach template offer_{lang}.txt.j2 leaves out: {', '.join(gaps)}")
    return Draft(business_id=business_id, business_name=context["business_name"], language=lang, offer=offer,
                 subject=subject, body=body, storefront_url=context["storefront_url"],
                 sites=tuple(dict.fromkeys(s.label for s in storefronts)), eu_notice=eu, review=tuple(review),
                 suppressed=suppressed, economics=economics, status=status)


def opt_out_mailto(settings: OutreachSettings, code: str) -> str:
    """The List-Unsubscribe mailto of a draft: a reply with subject STOP and the offer code."""
    return f"mailto:{settings.sender_email}?subject={urllib.parse.quote(f'STOP {code}')}"


def check_settings(settings: OutreachSettings) -> None:
    """Raise ConfigError for outreach settings a compliant draft cannot be made with."""
    for name in ("sender_name", "company_name", "postal_address"):
        value = getattr(settings, name)
        if not value.strip() or strip_control(value) != value:
            raise ConfigError(f"outreach.{name} must be one non-empty line, got {value!r}")
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", settings.sender_email):
        raise ConfigError(f"outreach.sender_email is not an e-mail address: {settings.sender_email!r}")
    if not 1 <= settings.free_months <= 24:
        raise ConfigError(f"outreach.free_months must be between 1 and 24, got {settings.free_months}")
    if not 0 <= settings.commission_pct <= 100 or settings.offer_valid_days < 1:
        raise ConfigError("outreach: commission_pct must be 0-100 and offer_valid_days at least 1")
