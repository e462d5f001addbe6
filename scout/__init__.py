"""Scout: find the best-performing sellers on rival marketplaces and draft onboarding offers."""

__version__ = "0.1.0"
