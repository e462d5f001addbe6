"""MercadoLibre's public API: `/sites/MLA/search` (result shape of the 2021 capture) and `/users/{id}`."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from scout.replica.catalog import MERCADOLIBRE_CATEGORY_IDS, SEARCH_TERMS
from scout.replica.render import dump_json, slugify
from scout.replica.world import Product, Storefront, World


def power_status(seller: Storefront, day: int) -> str | None:
    """MercadoLíder level from sales volume and reputation."""
    total, pct = seller.sales_count[day], seller.positive_pct[day]
    if total >= 5000 and pct >= 95:
        return "platinum"
    if total >= 1000 and pct >= 90:
        return "gold"
    if total >= 200:
        return "silver"
    return None


def reputation(seller: Storefront, day: int) -> dict[str, Any]:
    """`seller_reputation`: historic transactions and the share of positive ratings."""
    total = seller.sales_count[day]
    canceled = total // 20
    positive = round(seller.positive_pct[day] / 100, 2)
    negative = round((1 - positive) / 2, 2)
    age_days = max(60, (date(2026, 11, 1) - date.fromisoformat(seller.created)).days)
    return {
        "level_id": "5_green" if seller.positive_pct[day] >= 95 else "4_light_green",
        "power_seller_status": power_status(seller, day),
        "metrics": {"sales": {"period": "60 days", "completed": round((total - canceled) * 60 / age_days)}},
        "transactions": {"period": "historic", "total": total, "completed": total - canceled, "canceled": canceled,
                         "ratings": {"positive": positive, "negative": negative,
                                     "neutral": round(1 - positive - negative, 2)}},
    }


def _permalink(seller: Storefront) -> str:
    return f"http://perfil.mercadolibre.com.ar/{quote(seller.name.replace(' ', '+'), safe='+')}"


def search_products(world: World, query: str | None, category: str | None, day: int) -> list[Product]:
    """Results of a query or category id, best sellers first."""
    for name, cid in MERCADOLIBRE_CATEGORY_IDS.items():
        if category == cid or (query and query.strip().lower() in (SEARCH_TERMS[name], name)):
            return world.ranking("mercadolibre", "MLA", name, day)
    words = (query or "").lower().split()
    return [p for p in world.products if p.marketplace == "mercadolibre" and p.exists(day)
            and words and all(w in p.title.lower() for w in words)]


def _result(product: Product, day: int) -> dict[str, Any]:
    seller = product.seller
    assert seller is not None
    b = seller.business
    return {
        "id": product.product_id, "site_id": "MLA", "title": product.title,
        "seller": {"id": seller.numeric_id, "nickname": seller.name, "permalink": _permalink(seller),
                   "registration_date": f"{seller.created}T10:00:00.000-04:00", "car_dealer": False,
                   "real_estate_agency": False, "tags": ["normal", "user_info_verified"],
                   "seller_reputation": reputation(seller, day)},
        "price": float(product.price) if product.price != int(product.price) else int(product.price),
        "currency_id": product.currency, "available_quantity": 50, "sold_quantity": product.rating_count[day] * 3,
        "buying_mode": "buy_it_now", "listing_type_id": "gold_special", "condition": "new",
        "permalink": f"https://articulo.mercadolibre.com.ar/{product.product_id[:3]}-{product.product_id[3:]}-"
                     f"{slugify(product.title).lower()}-_JM",
        "thumbnail": f"http://http2.mlstatic.com/D_{product.product_id}-I.jpg",
        "accepts_mercadopago": True,
        "address": {"state_name": b.city, "city_name": b.city},
        "shipping": {"free_shipping": True, "mode": "me2", "logistic_type": "cross_docking"},
        "seller_address": {"country": {"id": b.country, "name": b.country}, "city": {"name": b.city}},
        "category_id": MERCADOLIBRE_CATEGORY_IDS[product.category],
        "domain_id": f"MLA-{product.category.upper()}",
    }


def render_search(world: World, query: str | None, category: str | None, offset: int, limit: int, day: int) -> str:
    """`GET /sites/MLA/search`."""
    products = search_products(world, query, category, day)
    return dump_json({
        "site_id": "MLA", "query": query or "",
        "paging": {"total": len(products), "primary_results": len(products), "offset": offset, "limit": limit},
        "results": [_result(p, day) for p in products[offset:offset + limit]],
        "secondary_results": [], "related_results": [],
        "sort": {"id": "relevance", "name": "Más relevantes"}, "available_sorts": [], "filters": [],
        "available_filters": [],
    })


def render_user(world: World, seller: Storefront, day: int) -> str:
    """`GET /users/{id}`."""
    b = seller.business
    return dump_json({
        "id": seller.numeric_id, "nickname": seller.name, "registration_date": f"{seller.created}T10:00:00.000-04:00",
        "country_id": b.country, "address": {"city": b.city, "state": b.postcode},
        "user_type": "normal", "tags": ["normal", "user_info_verified", "messages_as_seller"], "logo": None,
        "points": seller.lifetime_count[day], "site_id": "MLA", "permalink": _permalink(seller),
        "seller_reputation": reputation(seller, day), "buyer_reputation": {"tags": []},
        "status": {"site_status": "active"},
    })


def render_not_found(resource: str) -> str:
    """The API's 404 body."""
    return dump_json({"message": f"{resource} not found", "error": "not_found", "status": 404, "cause": []})


def render_captcha() -> str:
    """The API's refusal, served with HTTP 200 under the captcha fault."""
    return dump_json({"message": "forbidden", "error": "forbidden", "status": 403, "cause": []})


DRIFT = {'"results"': '"items"', '"seller_reputation"': '"reputation"'}
