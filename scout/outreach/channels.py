"""The channel gate: how an offer may reach a business (e-mail, postal letter, phone script or marketplace message)
and the rule that decided it.

Public is not free for marketing. Marketplaces publish trader contact details because the law makes them (EU
Digital Services Act Art. 30/31, Amazon's "Detailed Seller Information", the US INFORM Consumers Act, eBay's
`sellerLegalInfo`), but using them for an offer has its own rules, kept as tables in `[outreach]`:
- `email_rules`, per country of the business: `opt-out` (B2B e-mail allowed with an opt-out in every message:
  US CAN-SPAM, France's CNIL for work addresses, UK PECR for corporate subscribers, Spain, Italy), `consent` (only
  with consent on record: Germany §7 UWG, Austria §174 TKG 2021, Poland), or `never`; `*` for any other country;
- `contact_sources`, per marketplace a contact was read from: `never` (eBay's User Agreement forbids using other
  members' contact details for marketing without their consent: no e-mail, no call) or `rules` (the country rules
  apply); a business address, a legal disclosure, stays usable for a letter;
- `phone_rules`, per country: `allowed`, `consent` (Germany and Austria require consent, or in Germany presumed
  consent, for marketing calls to businesses too) or `never`.
A postal letter to a business address is allowed everywhere. The gate prefers e-mail, then a letter, then a phone
script, and falls back on a message through the marketplace's own contact form. An override (`--channel` with
`--override REASON`, e.g. consent received) is recorded on the offer and named in the draft.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from scout.errors import InputError
from scout.sanitize import strip_control
from scout.settings import OutreachSettings

EMAIL, LETTER, PHONE, MARKETPLACE = "email", "letter", "phone", "marketplace"
CHANNELS = (EMAIL, LETTER, PHONE, MARKETPLACE)
CHANNEL_NAMES = {EMAIL: "e-mail", LETTER: "postal letter", PHONE: "phone script", MARKETPLACE: "marketplace message"}
ANY = "*"
EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                           r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")  # a plain address: nothing to inject
WHY = {  # the law or terms behind a default, named in the rule a draft states
    ("email", "US"): "CAN-SPAM", ("email", "FR"): "CNIL, B2B work address", ("email", "GB"): "PECR, corporate",
    ("email", "DE"): "§7 UWG", ("email", "AT"): "§174 TKG", ("email", "PL"): "art. 10 UŚUDE",
    ("source", "ebay"): "eBay User Agreement", ("phone", "DE"): "§7 UWG", ("phone", "AT"): "§174 TKG",
}


class ContactLike(Protocol):
    """A public contact detail of a storefront, with where it was read (scout.identity.contacts.Contact)."""

    @property
    def field(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def marketplace(self) -> str: ...
    @property
    def label(self) -> str | None: ...


@dataclass(frozen=True)
class ChannelRules:
    """The rule tables of `[outreach]`, checked."""

    email: Mapping[str, str]
    sources: Mapping[str, str]
    phone: Mapping[str, str]

    @classmethod
    def of(cls, settings: OutreachSettings) -> ChannelRules:
        """The tables of `[outreach]` (checked when the settings were loaded)."""
        return cls(settings.email_rules, settings.contact_sources, settings.phone_rules)

    def email_policy(self, country: str | None) -> tuple[str, str]:
        """(policy, the table entry that gave it) for cold e-mail to a business in `country`."""
        return _lookup(self.email, country, "email_rules")

    def phone_policy(self, country: str | None) -> tuple[str, str]:
        """(policy, table entry) for a marketing call to a business in `country`."""
        return _lookup(self.phone, country, "phone_rules")

    def source_policy(self, marketplace: str) -> str:
        """Whether an address read from `marketplace` may be used for marketing e-mail at all."""
        return self.sources.get(marketplace, "rules")


def _lookup(table: Mapping[str, str], country: str | None, name: str) -> tuple[str, str]:
    key = (country or "").upper()
    if key and key in table:
        return table[key], f"{name} {key} = {table[key]}"
    return table.get(ANY, "consent"), f"{name} * = {table.get(ANY, 'consent')}" + (
        f" ({key or 'country unknown'})")


@dataclass(frozen=True)
class Channel:
    """How one draft reaches its business: the channel, the address it goes to, and the rule that chose it."""

    channel: str
    rule: str
    recipient: str | None = None  # the e-mail address, postal address or phone number used
    source: str | None = None  # where that contact was read: "amazon, 'E-Mail'"
    override: str | None = None  # the recorded reason when the team overrode the gate
    allowed: bool = True  # False: the gate refuses it, for `rule` (only with an override reason)

    @property
    def name(self) -> str:
        """"e-mail", "postal letter", "phone script" or "marketplace message"."""
        return CHANNEL_NAMES[self.channel]


def _first(contacts: Sequence[ContactLike], field: str) -> ContactLike | None:
    return next((c for c in contacts if c.field == field and c.value.strip()), None)


def _source(contact: ContactLike) -> str:
    label = strip_control(contact.label or contact.field)
    return f"{contact.marketplace}, {label!r}"


def _with_why(entry: str, kind: str, key: str) -> str:
    why = WHY.get((kind, key.upper() if kind != "source" else key))
    return f"{entry}, {why}" if why else entry


def check_channel(name: str) -> str:
    """A channel's name, or an InputError naming the known ones."""
    if name not in CHANNELS:
        raise InputError(f"unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    return name


def choose_channel(contacts: Sequence[ContactLike], country: str | None, rules: ChannelRules, *,
                   wanted: str | None = None, override: str | None = None) -> Channel:
    """The channel an offer to a business in `country` may use, given its public contacts.

    `wanted` asks for one channel: granted when the gate allows it, else refused (InputError) unless `override`
    gives the reason to record.
    """
    if wanted is not None:
        check_channel(wanted)
    code = (country or "").upper()
    options = _options(contacts, code, rules)
    if wanted is None:
        return next(choice for choice in options.values() if choice is not None and choice.allowed)
    chosen = options[wanted]
    if chosen is None:
        raise InputError(f"no {CHANNEL_NAMES[wanted]} is possible: no public {_NEEDS[wanted]} is known")
    if chosen.allowed:
        return chosen
    if not override:
        raise InputError(f"the gate refuses {CHANNEL_NAMES[wanted]} ({chosen.rule}); "
                         "add --override REASON (e.g. consent received) to use it anyway")
    return Channel(wanted, f"override: {strip_control(override)} (the gate said: {chosen.rule})",
                   chosen.recipient, chosen.source, strip_control(override))


_NEEDS = {EMAIL: "e-mail address", LETTER: "postal address", PHONE: "phone number", MARKETPLACE: "storefront"}


def _options(contacts: Sequence[ContactLike], code: str, rules: ChannelRules) -> dict[str, Channel | None]:
    """Every channel with the rule that allows or refuses it; None where the contact it needs is unknown."""
    email_policy, email_entry = rules.email_policy(code)
    emails = [c for c in contacts if c.field == "email" and EMAIL_ADDRESS.fullmatch(c.value.strip())]
    usable = [c for c in emails if rules.source_policy(c.marketplace) != "never"]
    email: Channel | None = None
    if emails and not usable:
        banned = emails[0]
        entry = f"contact_sources {banned.marketplace} = never"
        email = Channel(EMAIL, _with_why(entry, "source", banned.marketplace) + ": its contacts are never used for "
                        "marketing", banned.value, _source(banned), allowed=False)
    elif usable:
        found = usable[0]
        allowed = email_policy == "opt-out"
        what = ("B2B e-mail allowed with an opt-out" if allowed else
                "no cold e-mail without consent on record" if email_policy == "consent" else "no marketing e-mail")
        email = Channel(EMAIL, f"{_with_why(email_entry, 'email', code)}: {what}", found.value.strip(),
                        _source(found), allowed=allowed)
    refused = [email.rule] if email is not None and not email.allowed else []
    postal = _first(contacts, "address")
    letter = None if postal is None else Channel(
        LETTER, "; ".join([*refused, "a letter to the business address is allowed everywhere"]),
        strip_control(postal.value), _source(postal))
    phone_policy, phone_entry = rules.phone_policy(code)
    numbers = [c for c in contacts if c.field == "phone" and c.value.strip()]
    callable_ = [c for c in numbers if rules.source_policy(c.marketplace) != "never"]
    number = next(iter(callable_ or numbers), None)
    if number is not None and not callable_:
        phone_policy, phone_entry = "never", _with_why(f"contact_sources {number.marketplace} = never", "source",
                                                       number.marketplace) + ": its contacts are never called"
    else:
        phone_entry = _with_why(phone_entry, "phone", code)
    phone = None if number is None else Channel(
        PHONE, "; ".join([*refused, *([] if letter else ["no postal address"]), phone_entry]),
        number.value.strip(), _source(number), allowed=phone_policy == "allowed")
    gone = [c.rule for c in (email, phone) if c is not None and not c.allowed]
    form = "write through the marketplace's contact form"
    message = Channel(MARKETPLACE, "; ".join([*gone, f"no public contact may be used: {form}"]) if gone else
                      form if letter is not None else f"no public e-mail, address or phone is known: {form}")
    return {EMAIL: email, LETTER: letter, PHONE: phone, MARKETPLACE: message}
