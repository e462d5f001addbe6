"""Privacy: data-subject requests (forget).
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "forget": "forget",
    "find_forget_target": "forget",
    "redact_body": "forget",
})
