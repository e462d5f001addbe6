"""Package public faces that cost nothing to import: a name is imported from its module when first used.

`scout --help` and `scout COMMAND --help` import the packages on their way to light modules (the CLI's options
come from `scout.identity.rules`, `scout.outreach.statuses` …), so a package's `__init__` must not import its
heavy modules just to name what it offers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], list[str]]:
    """(`__getattr__`, `__all__`) for a package whose public names live in its modules: {name: module}."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__, sorted(exports)
