"""One small category taxonomy shared by every marketplace, with a name in every language Scout drafts in.

Each marketplace names categories its own way: eBay and MercadoLibre by numeric ids (and a name), Walmart by a
path of department ids, Etsy by its seller taxonomy ids, Amazon by best-seller slugs ("hi", "ce-de") or browse
nodes, Allegro and Cdiscount by a path of names. `classify` maps any of them to one key of CATEGORIES: first the
ids a marketplace publishes for its top-level categories, then the words of the names, top-level segment first.
A code that maps to nothing stays unclassified; no raw code is ever shown to a seller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from scout.errors import InputError
from scout.identity.names import fold_text


@dataclass(frozen=True)
class Category:
    """One category of the shared taxonomy: its key and its name per language."""

    key: str
    names: dict[str, str]

    def name(self, language: str = "en") -> str:
        """The category's name in `language` (English when there is none)."""
        return self.names.get(language) or self.names["en"]


def _category(key: str, en: str, de: str, fr: str, es: str, it: str, pl: str, pt: str) -> Category:
    return Category(key, {"en": en, "de": de, "fr": fr, "es": es, "it": it, "pl": pl, "pt": pt})


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    _category("electronics", "Electronics", "Elektronik", "High-Tech", "Electrónica", "Elettronica", "Elektronika",
              "Eletrônicos"),
    _category("tools", "Tools & Home Improvement", "Baumarkt & Werkzeug", "Bricolage", "Bricolaje y herramientas",
              "Fai da te", "Narzędzia i majsterkowanie", "Ferramentas e construção"),
    _category("home", "Home & Garden", "Haus & Garten", "Maison & Jardin", "Hogar y jardín", "Casa e giardino",
              "Dom i ogród", "Casa e jardim"),
    _category("kitchen", "Kitchen", "Küche", "Cuisine", "Cocina", "Cucina", "Kuchnia", "Cozinha"),
    _category("toys", "Toys & Games", "Spielzeug", "Jouets", "Juguetes", "Giocattoli", "Zabawki",
              "Brinquedos e jogos"),
    _category("beauty", "Beauty & Personal Care", "Beauty & Körperpflege", "Beauté", "Belleza", "Bellezza", "Uroda",
              "Beleza e cuidado pessoal"),
    _category("health", "Health & Household", "Gesundheit & Haushalt", "Santé", "Salud", "Salute", "Zdrowie", "Saúde"),
    _category("sports", "Sports & Outdoors", "Sport & Freizeit", "Sports & Loisirs", "Deportes", "Sport",
              "Sport i turystyka", "Esportes e lazer"),
    _category("office", "Office Products", "Bürobedarf", "Fournitures de bureau", "Oficina", "Ufficio", "Biuro",
              "Papelaria e escritório"),
    _category("pets", "Pet Supplies", "Haustierbedarf", "Animalerie", "Mascotas", "Animali", "Zwierzęta", "Pet shop"),
    _category("fashion", "Clothing, Shoes & Jewelry", "Mode & Schmuck", "Mode & Bijoux", "Moda y joyería",
              "Moda e gioielli", "Moda", "Moda e joias"),
    _category("books", "Books, Music & Video", "Bücher, Musik & Film", "Livres, Musique & Films",
              "Libros, música y cine", "Libri, musica e film", "Książki, muzyka i filmy", "Livros, música e filmes"),
    _category("automotive", "Automotive", "Auto & Motorrad", "Auto & Moto", "Motor", "Auto e moto", "Motoryzacja",
              "Automotivo"),
    _category("baby", "Baby", "Baby", "Bébé", "Bebé", "Prima infanzia", "Dziecko", "Bebês"),
    _category("crafts", "Arts, Crafts & Sewing", "Basteln & Künstlerbedarf", "Loisirs créatifs", "Manualidades",
              "Hobby creativi", "Rękodzieło", "Artesanato"),
    _category("grocery", "Grocery", "Lebensmittel", "Épicerie", "Alimentación", "Alimentari", "Supermarket",
              "Alimentos e bebidas"),
)}

# Top-level category ids each marketplace publishes (eBay US meta categories, Walmart departments, Etsy's seller
# taxonomy, MercadoLibre Argentina's and Amazon's root browse nodes).
MARKETPLACE_IDS: dict[str, dict[str, str]] = {
    "ebay": {"293": "electronics", "15032": "electronics", "58058": "electronics", "625": "electronics",
             "1249": "electronics", "631": "tools", "11700": "home", "159907": "home", "20625": "kitchen",
             "220": "toys", "26395": "beauty", "888": "sports", "25298": "office", "12576": "office",
             "1281": "pets", "11450": "fashion", "281": "fashion", "267": "books", "11232": "books",
             "11233": "books", "6000": "automotive", "6028": "automotive", "2984": "baby", "14339": "crafts",
             "550": "crafts"},
    "walmart": {"3944": "electronics", "1105910": "electronics", "2636": "electronics", "1072864": "tools",
                "4044": "home", "5428": "home", "623679": "kitchen", "4171": "toys", "1085666": "beauty",
                "976760": "health", "4125": "sports", "1229749": "office", "5440": "pets", "5438": "fashion",
                "3891": "fashion", "3920": "books", "91083": "automotive", "5427": "baby", "1334134": "crafts",
                "976759": "grocery"},
    "etsy": {"825": "electronics", "562": "crafts", "891": "home", "199": "beauty", "1351": "pets",
             "374": "fashion", "1179": "fashion", "1429": "fashion", "132": "fashion", "1": "fashion",
             "323": "books", "1552": "toys", "66": "crafts", "1250": "office", "1633": "home"},
    "mercadolibre": {"MLA1000": "electronics", "MLA1051": "electronics", "MLA1648": "electronics",
                     "MLA1039": "electronics", "MLA1144": "electronics", "MLA1500": "tools", "MLA407134": "tools",
                     "MLA1574": "home", "MLA1132": "toys", "MLA1246": "beauty", "MLA409431": "health",
                     "MLA1276": "sports", "MLA1499": "office", "MLA1071": "pets", "MLA1430": "fashion",
                     "MLA3025": "books", "MLA5725": "automotive", "MLA1384": "baby", "MLA1368": "crafts",
                     "MLA1403": "grocery"},
    "amazon": {"172282": "electronics", "541966": "electronics", "228013": "tools", "1055398": "home",
               "2972638011": "home", "284507": "kitchen", "165793011": "toys", "3760911": "beauty",
               "3760901": "health", "3375251": "sports", "1064954": "office", "2619533011": "pets",
               "7141123011": "fashion", "283155": "books", "15684181": "automotive", "165796011": "baby",
               "2617941011": "crafts", "16310101": "grocery"},
}

# Amazon's best-seller slugs across its sites (scout.crawl.sources crawls the first eight categories by them).
AMAZON_SLUGS: dict[str, str] = {
    "electronics": "electronics", "ce-de": "electronics", "computers": "electronics", "pc": "electronics",
    "wireless": "electronics", "videogames": "electronics", "photo": "electronics", "hi": "tools", "diy": "tools",
    "garden": "home", "lawn-garden": "home", "home-garden": "home", "home": "home", "furniture": "home",
    "lighting": "home", "kitchen": "kitchen", "appliances": "kitchen", "toys-and-games": "toys", "toys": "toys",
    "kids": "toys", "beauty": "beauty", "hpc": "health", "drugstore": "health", "sporting-goods": "sports",
    "sports": "sports", "office-products": "office", "officeproduct": "office", "pet-supplies": "pets",
    "fashion": "fashion", "apparel": "fashion", "shoes": "fashion", "jewelry": "fashion", "watches": "fashion",
    "clothing": "fashion", "books": "books", "music": "books", "dvd": "books", "movies-tv": "books",
    "digital-text": "books", "automotive": "automotive", "baby-products": "baby", "baby": "baby",
    "arts-crafts": "crafts", "grocery": "grocery", "food-beverage": "grocery",
}

# Words of category names in the marketplaces' languages (English, German, French, Spanish, Italian, Polish),
# accent-folded and lower-cased, matched as whole words (or plurals; `stem*` as a prefix); the first category
# with a matching word decides.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("automotive", ("automotive", "motors", "car and truck", "vehicle", "vehiculo", "oil filter", "brake",
                    "spark plug", "motoryzacja", "kfz", "autoteile", "auto e moto", "auto moto", "accessoires auto",
                    "car parts", "auto parts")),
    ("kitchen", ("kitchen", "kuche", "cuisine", "cocina", "cucina", "kuchnia", "cookware", "dining",
                 "electromenager", "small appliances", "chef", "messer", "couteau*", "cuchillo*", "coltell*")),
    ("tools", ("home improvement", "tools", "tool", "werkzeug", "heimwerk*", "baumarkt", "bricolage", "bricolaje",
               "herramienta*", "fai da te", "utensili", "narzedzi*", "diy", "construccion", "hardware", "power tools",
               "drill")),
    ("pets", ("pet", "pets", "haustier*", "animalerie", "animal", "mascota", "zwierz*", "dog", "cat")),
    ("baby", ("baby", "bebe", "prima infanzia", "dzieci*", "dziecko", "puericulture", "nursery")),
    ("toys", ("toy", "toys", "game", "games", "spielzeug", "spielwaren*", "jouet*", "juguete*", "giocattol*",
              "zabawk*", "hobbies", "lego", "building blocks")),
    ("beauty", ("beauty", "bath and beauty", "personal care", "cosmetic*", "kosmetik*", "beaute", "belleza",
                "bellezza", "uroda", "perfume", "parfum", "makeup", "skin care", "serum")),
    ("health", ("health", "household", "gesundheit", "drogerie", "sante", "salud", "salute", "zdrowie",
                "medical", "pharmacy", "wellness")),
    ("office", ("office", "buro", "bureau", "oficina", "ufficio", "biuro", "stationery", "papeterie",
                "paper and party", "school supplies", "industrial", "industrias")),
    ("sports", ("sport", "sports", "outdoor", "fitness", "deporte", "turystyka", "camping", "cycling", "yoga")),
    ("fashion", ("clothing", "apparel", "fashion", "shoes", "jewelry", "jewellery", "watches", "bekleidung",
                 "schmuck", "mode", "moda", "vetement*", "ropa", "abbigliamento", "bijoux", "joyeria", "gioielli",
                 "accessories and", "bags", "handbag", "pret a porter")),
    ("books", ("book", "books", "buch", "bucher", "livre", "libro", "libri", "ksiazk*", "music", "musik",
               "musique", "musica", "movies", "film", "dvd", "kultura", "media")),
    ("crafts", ("craft", "crafts", "sewing", "basteln", "loisirs creatifs", "manualidades", "hobby creativ*",
                "art and collectibles", "arts", "collectibles", "merceri*")),
    ("grocery", ("grocery", "food", "lebensmittel", "epicerie", "aliment*", "alimentacion", "alimentari",
                 "supermarket", "beverage", "gourmet")),
    ("home", ("home", "garden", "furniture", "living", "haus", "garten", "mobel", "maison", "jardin", "hogar",
              "mueble*", "casa", "giardino", "dom", "ogrod", "decor", "lighting", "bedding", "patio", "led strip",
              "luminaire*", "leuchte*", "lampe*", "iluminacion", "illuminazione")),
    ("electronics", ("electronic*", "electronics", "elektronik", "elektronika", "electronique", "electronica",
                     "elettronica", "high tech", "computer", "computers", "informatique", "computacion",
                     "informatica", "komputery", "cell phone", "phone", "smartphone", "telephon*", "telefon",
                     "telefono", "celular*", "tablet", "laptop", "camera", "audio", "video", "tv", "television",
                     "monitor", "speaker", "headphone", "charger", "cable", "keyboard", "projector", "remote control",
                     "streaming", "receiver", "decoder", "consol*", "videogame", "video game", "usb", "power bank")),
)
_SEGMENTS = re.compile(r"\s*(?:>|/|›|»|\|)\s*")
_ID = re.compile(r"^(?:[A-Z]{3})?\d+$")
_WORD = re.compile(r"[a-z0-9]+")


def classify(marketplace: str, code: str | None) -> str | None:
    """The taxonomy key of a marketplace's category code, slug, id path or name path; None when unknown."""
    if not code:
        return None
    return _classify(marketplace, code)


@lru_cache(maxsize=65_536)  # a crawl repeats the same few hundred codes on every page
def _classify(marketplace: str, code: str) -> str | None:
    text = code.strip()
    if text.casefold() in CATEGORIES:
        return text.casefold()
    ids = MARKETPLACE_IDS.get(marketplace, {})
    tokens = [t for t in re.split(r"[\s:>/_|,;()]+", text) if t]
    for token in tokens:  # ids of a path, top level first
        if _ID.match(token) and token in ids:
            return ids[token]
    if marketplace == "amazon" and text.lower() in AMAZON_SLUGS:
        return AMAZON_SLUGS[text.lower()]
    for segment in _SEGMENTS.split(text):
        found = _classify_words(segment)
        if found is not None:
            return found
    return None


def _classify_words(text: str) -> str | None:
    folded = " " + " ".join(_WORD.findall(fold_text(text.replace("&", " and ").replace("_", " ")).lower())) + " "
    if not folded.strip() or folded.strip().isdigit():
        return None
    for key, words in KEYWORDS:
        if any(_has_word(folded, word) for word in words):
            return key
    return None


def _has_word(folded: str, word: str) -> bool:
    """Whether `folded` holds `word` as whole words (or its plural); `word*` matches any word starting so."""
    if word.endswith("*"):
        return f" {word[:-1]}" in folded
    return f" {word} " in folded or f" {word}s " in folded


def classify_all(marketplace: str, codes: Iterable[str | None]) -> list[str]:
    """The distinct taxonomy keys of several codes, in first-seen order."""
    return list(dict.fromkeys(key for code in codes if (key := classify(marketplace, code)) is not None))


def category_name(key: str, language: str = "en") -> str:
    """The human name of a taxonomy key in `language`."""
    return CATEGORIES[key].name(language)


def resolve_category(text: str) -> str:
    """The taxonomy key a `--category` value means: a key, or a name in any language (case-insensitive, or a
    unique part of one); an unknown value is an InputError listing the choices."""
    wanted = " ".join(fold_text(text).casefold().split())
    if wanted in CATEGORIES:
        return wanted
    names = {key: {" ".join(fold_text(n).casefold().split()) for n in c.names.values()}
             for key, c in CATEGORIES.items()}
    exact = [key for key, options in names.items() if wanted in options]
    partial = [key for key, options in names.items() if any(wanted and wanted in n for n in options)]
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
    choices = ", ".join(f"{key} ({c.name()})" for key, c in CATEGORIES.items())
    raise InputError(f"unknown category {text!r}; choose one of: {choices}")


def join_keys(keys: Iterable[str]) -> str | None:
    """Keys as stored in score rows: `,kitchen,tools,` (so a filter matches whole keys), or None."""
    unique = sorted(set(keys))
    return f",{','.join(unique)}," if unique else None


def split_keys(stored: str | None) -> list[str]:
    """The keys of a stored `,kitchen,tools,` value."""
    return [key for key in (stored or "").split(",") if key in CATEGORIES]
