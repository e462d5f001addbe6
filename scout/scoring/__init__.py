"""Scoring: each storefront's components (components) and revenue range (revenue), stored scores per storefront and
business (scores), the ranked leads (leads), their explanation (explain) and export (export).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "score_database": "stored",
    "select_leads": "leads",
    "Lead": "leads",
    "explain": "explain",
    "export_csv": "export",
    "export_xlsx": "export",
})
