"""Scout's local stand-in for the rival marketplaces: a seeded synthetic world served over loopback HTTP."""
