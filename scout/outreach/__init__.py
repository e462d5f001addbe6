"""Outreach: onboarding offer drafts (drafts, in each language's formats: locale; to whom: recipient), written as
md, eml or csv (formats) for the top leads (run), follow-ups to offers left unanswered (followup), the pipeline of
each offer (statuses, pipeline) with its owner (assignment), its append-only history and undo (history), bulk
marks from a CSV (bulk), and leads in a CRM's import columns (crm).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "draft_offers": "run",
    "follow_up_offers": "followup",
    "mark_offer": "pipeline",
    "pipeline_view": "pipeline",
    "assign_business": "assignment",
    "assign_leads": "assignment",
    "undo_last": "history",
    "load_history": "history",
    "import_marks": "bulk",
    "export_crm": "crm",
    "STATUSES": "statuses",
    "FORMATS": "formats",
})
