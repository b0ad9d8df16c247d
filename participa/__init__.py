"""Participa: the citizen-participation platform of a Mexican municipality.

The package root imports nothing, so that `participa.tally`, the pure counting core, runs
without the web app (`python -m participa.tally`). The app factory is participa.factory;
`from participa import create_app` (and gunicorn's `participa:create_app()`) still work:
the name is looked up there on first use.
"""

import importlib

FACTORY_NAMES = frozenset({"create_app", "HOOKS", "ROOT", "ENVIRONMENT"})


def __getattr__(name: str):
    """Return create_app and the factory's other names from participa.factory."""
    if name in FACTORY_NAMES:
        return getattr(importlib.import_module("participa.factory"), name)
    raise AttributeError(f"module 'participa' has no attribute {name!r}")
