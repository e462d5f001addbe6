"""Outreach: onboarding offer drafts (drafts, in each language's formats: locale; to whom: recipient), written as
md, eml or csv (formats) for the top leads (run), and the pipeline of each offer (statuses, pipeline).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "draft_offers": "run",
    "mark_offer": "pipeline",
    "pipeline_view": "pipeline",
    "STATUSES": "statuses",
    "FORMATS": "formats",
})
