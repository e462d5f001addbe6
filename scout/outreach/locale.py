"""How a draft writes numbers, money, dates and lists in each language it is written in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

LANGUAGES = ("en", "fr", "de", "es", "it", "pl", "pt")
NBSP = "\u00a0"


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
    # Polish groups thousands only from five digits (2400, 12 400) and writes dates with the month's genitive.
    "pl": Locale(NBSP, ",", "{}" + NBSP + "%", "{amount}" + NBSP + "{symbol}", "{day} {month} {year}",
                 tuple("stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada "
                       "grudnia".split()),
                 tuple("jeden dwa trzy cztery pięć sześć siedem osiem dziewięć dziesięć jedenaście dwanaście"
                       .split()), "i", min_grouping=2),
    "pt": Locale(".", ",", "{}%", "{symbol}" + NBSP + "{amount}", "{day} de {month} de {year}",
                 tuple("janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
                       .split()),
                 tuple("um dois três quatro cinco seis sete oito nove dez onze doze".split()), "e"),
}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "PLN": "zł", "BRL": "R$"}


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
