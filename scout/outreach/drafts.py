"""Onboarding offer drafts: one per business, in its language, with its own figures; the offer, its cost, compliance.

Language: a national marketplace site decides (amazon.fr → French, ebay.de → German, mercadolibre → Spanish,
cdiscount → French); a generic .com site (amazon.com, etsy.com, walmart.com) falls back to the seller's or the
business's country; Allegro gets Polish, Mercado Livre (Brazil) Portuguese, everything else English.

Templates are Jinja2 files (`offer_<lang>.txt.j2`, `subject_<lang>.txt.j2`; a follow-up's `followup_<lang>.txt.j2`,
`followup_subject_<lang>.txt.j2`) rendered in a sandbox with autoescape off;
a file of the same name in `[outreach] templates_dir` wins. Scraped values reach them only as data, stripped of
control characters: `{{ 7*7 }}` in a seller name stays literal. Every rendered draft is checked for the sender, the
company, its postal address, the offer, the opt-out and (EU/UK recipients) the GDPR Art. 14/21 notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from scout.errors import ConfigError
from scout.outreach.channels import PHONE, Channel
from scout.outreach.locale import LOCALES, format_date, format_number, format_percent, join_words
from scout.outreach.recipient import Storefront, choose_language, needs_eu_notice, sole_trader_flags
from scout.sanitize import strip_control
from scout.scoring.categories import CATEGORIES, category_name
from scout.settings import OutreachSettings

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_STOREFRONTS = 3  # storefront figures quoted in one draft
MAX_RANKS = 3


@dataclass(frozen=True)
class Economics:
    """What the offer costs us: the estimated monthly GMV range and the commission waived in the free months."""

    gmv_low: float | None
    gmv_high: float | None
    currency: str | None
    free_months: int
    commission_pct: float
    basis: str | None = None  # what the monthly GMV rests on
    rate_date: str | None = None  # the exchange rates it was converted at
    storefronts: str | None = None  # each storefront's monthly GMV in its own currency

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
        if self.basis:
            gmv += f" (basis: {self.basis}" + (f"; exchange rates of {self.rate_date}" if self.rate_date else "") + ")"
        if self.storefronts:
            gmv += f"; storefronts in their own currency: {self.storefronts}"
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
    kind: str = "offer"  # "offer", or "followup": a reminder of an offer sent without reply
    channel: Channel | None = None  # how it may reach the business (scout.outreach.channels); None: not gated

    def notes(self) -> list[tuple[str, str]]:
        """The internal notes (English, for the team; never part of the message)."""
        gmv, cost = self.economics.describe()
        follow_up = [("follow-up", f"reminder of offer {self.offer.code}, sent without reply")] \
            if self.kind == "followup" else []
        channel = [] if self.channel is None else [
            ("channel", f"{self.channel.name}: {self.channel.rule}"),
            ("recipient", strip_control(self.channel.recipient or "-")
             + (f" (read from {self.channel.source})" if self.channel.source else ""))]
        return [*follow_up, *channel, ("business", f"business:{self.business_id} {self.business_name}"),
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
                  sole_trader: bool, channel: Channel | None = None, business_id: int = 0) -> dict[str, Any]:
    """The template variables: every scraped value a plain string without control characters, numbers localised."""
    quoted = [s for s in storefronts if s.rating_count is not None and (s.stars is not None or
                                                                        s.positive_share is not None)]
    categories = list(dict.fromkeys(category_name(c, language) for s in storefronts for c in s.categories
                                    if c in CATEGORIES))
    main_url = next((s.url for s in storefronts if s.url), None)
    words = LOCALES[language].numbers
    return {
        "business_name": strip_control(business_name).strip(),
        "business_id": business_id,
        "channel": channel.channel if channel is not None else "marketplace",
        "recipient": strip_control(channel.recipient or "-") if channel is not None else "-",
        "sole_trader": sole_trader,
        "storefronts": [{
            "site": s.label,
            "stars": None if s.stars is None else format_number(s.stars, language, 1),
            "positive": None if s.positive_share is None else format_percent(round(s.positive_share * 100, 1),
                                                                               language),
            "ratings": format_number(s.rating_count or 0, language),
        } for s in quoted[:MAX_STOREFRONTS]],
        "ranks": [{"rank": format_number(rank, language), "category": category_name(key, language)}
                  for rank, key in ranks[:MAX_RANKS] if key in CATEGORIES],
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


def render_message(env: SandboxedEnvironment, language: str, context: dict[str, Any],
                   kind: str = "offer") -> tuple[str, str]:
    """(subject, body) of a draft; the subject is one line, whatever the template or the data hold."""
    subject_template = f"subject_{language}.txt.j2" if kind == "offer" else f"{kind}_subject_{language}.txt.j2"
    subject = " ".join(strip_control(_render(env, subject_template, context)).split())
    body = _render(env, f"{kind}_{language}.txt.j2", context)
    return subject, body.rstrip() + "\n"


def compliance_gaps(body: str, context: dict[str, Any], kind: str = "offer") -> list[str]:
    """What a rendered body leaves out of what every draft must say (empty when compliant). A phone script must
    name the caller, the company, the offer and how to honour an objection; a message, the opt-out and address."""
    required = {"sender name": context["sender_name"], "company name": context["company_name"],
                "postal address": context["postal_address"], "offer code": context["offer_code"],
                "offer expiry": context["expires"], "opt-out (STOP)": "STOP"}
    if kind == "phone":
        required["recording an objection (opted-out)"] = "opted-out"
    gaps = [what for what, text in required.items() if text not in body]
    if str(context["free_months"]) not in body and context["free_months_words"] not in body:
        gaps.append("the free months")
    lower = body.lower()
    notice = "art. 21" in lower and context["data_sources"] in body and ("art. 14" in lower or kind == "phone")
    if context["eu_notice"] and not notice:
        gaps.append("the GDPR notice (data source, Art. 14, right to object Art. 21)")
    return gaps


def compose_draft(env: SandboxedEnvironment, settings: OutreachSettings, *, business_id: int, business_name: str,
                  business_country: str | None, storefronts: Sequence[Storefront], ranks: Sequence[tuple[int, str]],
                  offer: Offer, economics: Economics, language: str = "auto", suppressed: str | None = None,
                  status: str = "drafted", kind: str = "offer", channel: Channel | None = None) -> Draft:
    """Render one business's draft for its channel and check it; a template that drops a compliance item is a
    ConfigError. An offer by phone is a phone script (`phone_<lang>.txt.j2`); a letter says where to write back."""
    lang = choose_language(storefronts, business_country, language)
    eu = needs_eu_notice(storefronts, business_country)
    review = sole_trader_flags(business_name, storefronts)
    context = draft_context(business_name=business_name, storefronts=storefronts, ranks=ranks, offer=offer,
                            settings=settings, language=lang, eu_notice=eu, sole_trader=any(
                                r.startswith(("sole trader? person", "sole trader: legal form")) for r in review),
                            channel=channel, business_id=business_id)
    template = PHONE if kind == "offer" and channel is not None and channel.channel == PHONE else kind
    subject, body = render_message(env, lang, context, template)
    gaps = compliance_gaps(body, context, template)
    if gaps:
        raise ConfigError(f"outreach template {template}_{lang}.txt.j2 leaves out: {', '.join(gaps)}")
    return Draft(business_id=business_id, business_name=context["business_name"], language=lang, offer=offer,
                 subject=subject, body=body, storefront_url=context["storefront_url"],
                 sites=tuple(dict.fromkeys(s.label for s in storefronts)), eu_notice=eu, review=tuple(review),
                 suppressed=suppressed, economics=economics, status=status, kind=kind, channel=channel)

