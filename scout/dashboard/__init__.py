"""The terminal dashboard: its figures, aggregated in SQL (data, crawl_health), its options (options), and rendering
them with rich (render).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "load_dashboard": "data",
    "render_dashboard": "render",
    "print_dashboard": "render",
    "watch_dashboard": "render",
    "DEFAULT_THRESHOLD": "options",
})
