"""Word lists and per-marketplace constants the synthetic world is drawn from."""

from __future__ import annotations

# The real sites' categories, best-seller slugs and search terms are the crawl plan's: one definition.
from scout.crawl.sources import AMAZON_CATEGORY_SLUGS as AMAZON_CATEGORY_SLUGS
from scout.crawl.sources import CATEGORIES as CATEGORIES
from scout.crawl.sources import SEARCH_TERMS as SEARCH_TERMS

SITES: dict[str, tuple[str, ...]] = {
    "amazon": ("com", "co.uk", "de", "fr", "es", "it"),
    "ebay": ("com",),
    "walmart": ("com",),
    "etsy": ("com",),
    "allegro": ("pl",),
    "cdiscount": ("com",),
    "mercadolibre": ("MLA",),
}

SITE_CURRENCY: dict[tuple[str, str], str] = {
    ("amazon", "com"): "USD", ("amazon", "co.uk"): "GBP", ("amazon", "de"): "EUR",
    ("amazon", "fr"): "EUR", ("amazon", "es"): "EUR", ("amazon", "it"): "EUR",
    ("ebay", "com"): "USD", ("walmart", "com"): "USD", ("etsy", "com"): "USD",
    ("allegro", "pl"): "PLN", ("cdiscount", "com"): "EUR", ("mercadolibre", "MLA"): "ARS",
}

# Decimal places each marketplace prints a positive-feedback percentage with.
PCT_DECIMALS: dict[str, int] = {
    "amazon": 0, "ebay": 1, "walmart": 0, "etsy": 0, "allegro": 1, "cdiscount": 0, "mercadolibre": 0,
}


CATEGORY_NOUNS: dict[str, tuple[tuple[str, ...], float]] = {
    "electronics": (("USB-C Charger", "Bluetooth Headphones", "Power Bank", "HDMI Cable", "Smart Plug",
                     "Wireless Earbuds", "Webcam", "Portable Speaker"), 30.0),
    "tools": (("Cordless Drill", "Screwdriver Set", "LED Strip Lights", "Tape Measure", "Socket Set",
               "Stud Finder", "Work Gloves", "Laser Level"), 35.0),
    "kitchen": (("Chef Knife", "Air Fryer Liners", "Cutting Board", "Coffee Grinder", "Food Containers",
                 "Silicone Spatula Set", "Water Bottle", "Cast Iron Skillet"), 25.0),
    "toys": (("Building Blocks", "Plush Bear", "Puzzle 1000 Pieces", "RC Car", "Art Kit",
              "Board Game", "Magnetic Tiles", "Bubble Machine"), 22.0),
    "beauty": (("Face Serum", "Hair Dryer", "Nail Kit", "Makeup Brushes", "Shampoo",
                "Lip Balm Set", "Teeth Whitening Pen", "Sunscreen SPF 50"), 18.0),
    "sports": (("Yoga Mat", "Resistance Bands", "Dumbbell Set", "Cycling Gloves", "Jump Rope",
                "Camping Lantern", "Hiking Backpack", "Foam Roller"), 28.0),
    "office": (("Desk Organizer", "Gel Pens", "Laptop Stand", "Label Maker", "Notebook A5",
                "Monitor Riser", "Stapler", "Ergonomic Mouse"), 20.0),
    "pets": (("Dog Leash", "Cat Tree", "Pet Bed", "Chew Toys", "Litter Mat", "Dog Harness",
              "Aquarium Filter", "Pet Grooming Brush"), 24.0),
}

PRODUCT_ADJECTIVES: tuple[str, ...] = (
    "Premium", "Compact", "Heavy Duty", "Ultra", "Professional", "Eco", "Smart", "Classic", "Mini", "Pro",
)

NAME_PREFIXES: tuple[str, ...] = (
    "Ank", "Volt", "Bright", "Nord", "Sol", "Terra", "Luma", "Kitch", "Petr", "Zen", "Aqu", "Flex", "Eco",
    "Hex", "Oak", "Pix", "Swift", "Vit", "Kraft", "Blau", "Cas", "Mund", "Polar", "Urb", "Nov", "Iron",
    "Mapl", "Ced", "Glo", "Orb", "Quan", "Ridg", "Sapph", "Tund", "Vel", "Wren", "Xen", "Yuk", "Zeph", "Amb",
)
NAME_MIDS: tuple[str, ...] = (
    "", "", "", "a", "o", "er", "i", "an", "el", "ur", "is", "ev", "ar", "on", "al", "am", "et", "ir", "ol",
    "or", "um", "ad", "ag", "ib", "ic", "ok", "ov", "ul", "yn", "az",
)
NAME_SUFFIXES: tuple[str, ...] = (
    "er", "ify", "ora", "tek", "wood", "line", "max", "ix", "on", "ell", "ara", "ino", "hub", "works",
    "craft", "nest", "ly", "io", "era", "us", "ia", "go", "bay", "ton", "ex", "ova", "ado", "ique", "mark",
    "field", "point", "gear", "spark", "wave", "stone", "ful", "ard", "ent", "ium",
)
NAME_WORDS: tuple[str, ...] = (
    "Home", "Tools", "Tech", "Living", "Outdoors", "Supply", "Trading", "Goods", "Labs", "Electronics",
    "Kitchen", "Pets", "Sports", "Beauty", "Store",
)
ACCENTED_PREFIXES: dict[str, tuple[str, ...]] = {
    "DE": ("Kühl", "Bär", "Grün", "Schön", "Größ", "Müll"),
    "FR": ("Élé", "Bré", "Crê", "Forê", "Étoil", "Gâ"),
    "ES": ("Niñ", "Señ", "Añ", "Camí", "Jardí"),
    "IT": ("Caffè", "Città", "Però", "Virtù"),
    "PL": ("Łód", "Zło", "Świt", "Księż", "Żur"),
    "AR": ("Niñ", "Pampá", "Andí"),
}

HOSTILE_NAMES: tuple[str, ...] = (
    "=cmd|' /C calc'!A0",
    "\x1b[31mRedAlert\x1b[0m Store",
    "[bold red]x[/] Deals",
    "{{ 7*7 }} Outlet",
    "<script>alert(1)</script> Shop",
    "Tom & Jerry's \"Best\" <Deals>",
    "+SUM(1+1)*cmd|' /C notepad'!A1",
)

COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 30, "CN": 20, "DE": 12, "GB": 9, "FR": 7, "IT": 5, "ES": 5, "PL": 6, "AR": 6,
}

LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "US": ("LLC", "Inc.", "Corp.", "LLC"),
    "CN": ("Co., Ltd.", "Trading Co., Ltd.", "Limited"),
    "DE": ("GmbH", "GmbH & Co. KG", "UG (haftungsbeschränkt)", "e.K."),
    "GB": ("Ltd", "Limited", "Ltd."),
    "FR": ("SARL", "SAS", "S.A.", "EURL"),
    "IT": ("S.r.l.", "S.p.A.", "S.r.l.s."),
    "ES": ("S.L.", "S.A.", "S.L.U."),
    "PL": ("Sp. z o.o.", "S.A.", "Sp.j."),
    "AR": ("S.A.", "S.R.L.", "S.A.S."),
}

CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (("NY 10001", "New York"), ("CA 94105", "San Francisco"), ("TX 78701", "Austin"),
           ("WA 98101", "Seattle"), ("FL 33101", "Miami"), ("IL 60601", "Chicago")),
    "CN": (("518000", "Shenzhen"), ("510000", "Guangzhou"), ("310000", "Hangzhou"), ("315000", "Ningbo"),
           ("361000", "Xiamen")),
    "DE": (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("20095", "Hamburg"),
           ("70173", "Stuttgart"), ("04109", "Leipzig")),
    "GB": (("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("B1 1AA", "Birmingham"), ("LS1 1UR", "Leeds")),
    "FR": (("75002", "Paris"), ("69001", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux"),
           ("59000", "Lille")),
    "IT": (("20121", "Milano"), ("00184", "Roma"), ("10121", "Torino"), ("50122", "Firenze")),
    "ES": (("28013", "Madrid"), ("08001", "Barcelona"), ("46001", "Valencia"), ("41001", "Sevilla")),
    "PL": (("00-001", "Warszawa"), ("30-001", "Kraków"), ("50-001", "Wrocław"), ("80-001", "Gdańsk"),
           ("90-001", "Łódź")),
    "AR": (("C1002", "Buenos Aires"), ("X5000", "Córdoba"), ("S2000", "Rosario"), ("M5500", "Mendoza")),
}

STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Main Street", "Market St", "Oak Avenue", "Industrial Blvd", "Commerce Dr"),
    "CN": ("Bao'an Road", "Nanshan Avenue", "Longgang Industrial Park", "Huaqiang North Rd"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenweg", "Schillerstraße"),
    "GB": ("High Street", "Station Road", "Church Lane", "Mill Road"),
    "FR": ("Rue de la République", "Avenue Victor Hugo", "Rue du Commerce", "Boulevard Pasteur"),
    "IT": ("Via Roma", "Via Garibaldi", "Corso Italia", "Via dell'Industria"),
    "ES": ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Polígono Industrial Norte"),
    "PL": ("ul. Marszałkowska", "ul. Długa", "ul. Przemysłowa", "ul. Łąkowa"),
    "AR": ("Av. Corrientes", "Av. Rivadavia", "Calle Florida", "Av. Santa Fe"),
}

# Which marketplace sites businesses from each country tend to sell on.
_GLOBAL: dict[tuple[str, str], float] = {
    ("amazon", "com"): 16, ("amazon", "co.uk"): 6, ("amazon", "de"): 7, ("amazon", "fr"): 4,
    ("amazon", "es"): 3, ("amazon", "it"): 3, ("ebay", "com"): 14, ("walmart", "com"): 8,
    ("etsy", "com"): 8, ("allegro", "pl"): 2, ("cdiscount", "com"): 2, ("mercadolibre", "MLA"): 2,
}
_HOME: dict[str, dict[tuple[str, str], float]] = {
    "US": {("amazon", "com"): 30, ("walmart", "com"): 18, ("ebay", "com"): 20},
    "CN": {("amazon", "com"): 25, ("amazon", "de"): 12, ("walmart", "com"): 10, ("cdiscount", "com"): 6},
    "DE": {("amazon", "de"): 30, ("ebay", "com"): 10},
    "GB": {("amazon", "co.uk"): 30},
    "FR": {("amazon", "fr"): 25, ("cdiscount", "com"): 25},
    "IT": {("amazon", "it"): 30},
    "ES": {("amazon", "es"): 30},
    "PL": {("allegro", "pl"): 45, ("amazon", "de"): 10},
    "AR": {("mercadolibre", "MLA"): 50},
}
MARKETPLACE_WEIGHTS: dict[str, dict[tuple[str, str], float]] = {
    country: {**_GLOBAL, **home} for country, home in _HOME.items()
}

# Logical category ids per marketplace (and Amazon site): what the replica's URLs use.
EBAY_CATEGORY_IDS: dict[str, str] = {
    "electronics": "293", "tools": "631", "kitchen": "20625", "toys": "220", "beauty": "26395",
    "sports": "888", "office": "25298", "pets": "1281",
}
MERCADOLIBRE_CATEGORY_IDS: dict[str, str] = {
    "electronics": "MLA1000", "tools": "MLA1500", "kitchen": "MLA1574", "toys": "MLA1132",
    "beauty": "MLA1246", "sports": "MLA1276", "office": "MLA1499", "pets": "MLA1071",
}
WALMART_CATEGORY_PATHS: dict[str, str] = {  # categoryPathId of a search item: root 0, department, sub-department
    "electronics": "0:3944:1078524", "tools": "0:1072864:1031899", "kitchen": "0:4044:623679",
    "toys": "0:4171:4191", "beauty": "0:1085666:1007040", "sports": "0:4125:4134", "office": "0:1229749:1046059",
    "pets": "0:5440:202072",
}
ETSY_TAXONOMY_IDS: dict[str, int] = {  # Etsy's seller taxonomy top levels (it has no sports or kitchen of its own)
    "electronics": 825, "tools": 562, "kitchen": 891, "toys": 1552, "beauty": 199, "sports": 891, "office": 1250,
    "pets": 1351,
}
CDISCOUNT_BREADCRUMBS: dict[str, tuple[str, ...]] = {  # the category trail of an offers page
    "electronics": ("High-Tech", "Chargeurs et câbles"), "tools": ("Bricolage", "Outillage électroportatif"),
    "kitchen": ("Electroménager", "Cuisine"), "toys": ("Jouets", "Jeux de construction"),
    "beauty": ("Au quotidien", "Beauté"), "sports": ("Sport", "Fitness"), "office": ("Bureau", "Rangement"),
    "pets": ("Animalerie", "Chien"),
}
