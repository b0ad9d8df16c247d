"""Points on the map for the demo's PB projects, proposals and works (the maps show them).

Deterministic: each item's point comes from its title, spread over the middle of
MUNICIPALITY_BOUNDS (the default box is the Guadalajara metropolitan area).
"""

import hashlib

from flask import current_app

from participa.budgets.models import PbProject
from participa.extensions import db
from participa.proposals.models import Proposal
from participa.works.models import Work

SPREAD = 0.15  # the share of the box, around its middle, where demo points fall


def point(text: str) -> tuple[float, float]:
    """A point inside the municipality's box, always the same for `text`."""
    bounds = current_app.config["MUNICIPALITY_BOUNDS"]
    digest = hashlib.sha256(text.encode()).digest()
    shares = (int.from_bytes(digest[:4]) / 2**32, int.from_bytes(digest[4:8]) / 2**32)
    values = []
    for (low, high), share in zip((bounds["lat"], bounds["lon"]), shares, strict=True):
        middle, half = (low + high) / 2, (high - low) * SPREAD / 2
        values.append(round(middle - half + 2 * half * share, 6))
    return values[0], values[1]


def place_everything() -> None:
    """Give every demo PB project, proposal and work without a place its point."""
    for model in (PbProject, Proposal, Work):
        query = db.select(model).where(model.latitude.is_(None))
        for item in db.session.execute(query).scalars():
            item.latitude, item.longitude = point(f"{model.__name__}:{item.title}")
    db.session.commit()
