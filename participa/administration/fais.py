"""A work's FAIS file: incidence, category and the pesos requested, committed and programmed.

The work's `fais_eligible` and `fais_category` (works/models.py) stay the one answer the
rest of the app reads; saving the FAIS file sets them in the same transaction, so the
works list's FAIS filter and the public page agree with it.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.administration.models import FaisIncidence, WorkFais
from participa.audit.services import record
from participa.core.errors import DomainError
from participa.extensions import db
from participa.works.atomic import rolls_back
from participa.works.models import FaisCategory, Funding, Work

MAX_PESOS = 10**12
AMOUNTS = ("requested", "committed", "programmed")


@dataclass(frozen=True)
class FaisData:
    incidence: FaisIncidence
    category: FaisCategory | None
    requested: int | None
    committed: int | None
    programmed: int | None


def fais_of(work: Work) -> WorkFais | None:
    return db.session.get(WorkFais, work.id)


def _check(work: Work, data: FaisData) -> None:
    for name in AMOUNTS:
        value = getattr(data, name)
        if value is None or not 0 <= value <= MAX_PESOS:
            raise DomainError(_l("Write an amount in whole pesos (0 or more)."), field=name)
    if data.incidence is FaisIncidence.NO_ELEGIBLE:
        if work.funding is Funding.FAIS:  # the rule of works/services.py, kept here too
            raise DomainError(
                _l("A work funded by the FAIS must be eligible for it."), field="incidence"
            )
        if any(getattr(data, name) for name in AMOUNTS):
            raise DomainError(
                _l("A work that is not eligible for the FAIS has no FAIS amounts: write 0."),
                field="requested",
            )
    elif data.category is None:
        raise DomainError(_l("Choose the FAIS category of the work."), field="category")


@rolls_back
def save_fais(actor, work: Work, data: FaisData, now: datetime) -> WorkFais:
    """Store the work's FAIS file and keep the work's eligibility and category in step."""
    _check(work, data)
    item = fais_of(work) or WorkFais(work_id=work.id)
    eligible = data.incidence is not FaisIncidence.NO_ELEGIBLE
    item.incidence = data.incidence
    item.requested, item.committed, item.programmed = (getattr(data, n) for n in AMOUNTS)
    item.updated_at = now
    work.fais_eligible = eligible
    work.fais_category = data.category if eligible else None
    db.session.add(item)
    db.session.flush()
    record(actor, "administration.fais.save", work, incidence=data.incidence,
           **{name: getattr(data, name) for name in AMOUNTS})  # fmt: skip
    db.session.commit()
    return item
