"""The log of advice given to residents (orientación y asesoría): counts, no personal data.

A record keeps the date, topic, colonia, channel and outcome. Its note is free text that
staff are warned must hold no names, phone numbers or CURPs; a note that looks like one is
refused.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract
from sqlalchemy.orm import joinedload

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.extensions import db
from participa.officeplan.models import AdviceChannel, AdviceOutcome, AdviceRecord, AdviceTopic
from participa.territory.models import Colonia

MAX_NOTE = 500
# What personal data most often looks like in a note: a CURP, an e-mail, a phone number.
PERSONAL = re.compile(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d|\S+@\S+\.\S+|(\d[\s-]?){8,}", re.I)


@dataclass(frozen=True)
class AdviceData:
    given_on: date | None
    topic: AdviceTopic
    colonia_id: int | None
    channel: AdviceChannel
    outcome: AdviceOutcome
    note: str


def add(actor, data: AdviceData, today: date) -> AdviceRecord:
    if data.given_on is None or data.given_on > today:
        raise DomainError(_l("Write the date the advice was given (not a future one)."), "given_on")
    if data.colonia_id is not None and db.session.get(Colonia, data.colonia_id) is None:
        raise DomainError(_l("Choose a colonia from the list."), field="colonia_id")
    note = data.note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NOTE), field="note")
    if PERSONAL.search(note):
        raise DomainError(
            _l("The note seems to hold personal data (a CURP, e-mail or phone). Remove it."),
            field="note",
        )
    found = AdviceRecord(
        given_on=data.given_on,
        topic=data.topic,
        colonia_id=data.colonia_id,
        channel=data.channel,
        outcome=data.outcome,
        note=note,
        recorded_by_id=actor.id,
    )
    db.session.add(found)
    flush()
    record(actor, "officeplan.advice.add", found, topic=data.topic)
    commit()
    return found


def _year(query, year: int | None):
    if year is None:
        return query
    return query.where(AdviceRecord.given_on.between(date(year, 1, 1), date(year, 12, 31)))


def per_topic(year: int | None) -> dict[AdviceTopic, int]:
    query = db.select(AdviceRecord.topic, db.func.count()).group_by(AdviceRecord.topic)
    counted = dict(db.session.execute(_year(query, year)).all())
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0].value))
    return {AdviceTopic(k): n for k, n in ranked}


def per_colonia(year: int | None) -> dict[str | None, int]:
    """Counts per colonia name (None: not recorded), most advised first."""
    query = (
        db.select(Colonia.name, db.func.count())
        .select_from(AdviceRecord)
        .outerjoin(Colonia, Colonia.id == AdviceRecord.colonia_id)
        .group_by(Colonia.name)
    )
    counted = db.session.execute(_year(query, year)).all()
    return dict(sorted(counted, key=lambda kv: (-kv[1], kv[0] or "")))


def recent(year: int | None, limit: int = 50) -> list[AdviceRecord]:
    query = (
        db.select(AdviceRecord)
        .options(joinedload(AdviceRecord.colonia))
        .order_by(AdviceRecord.given_on.desc(), AdviceRecord.id.desc())
    )
    return list(db.session.execute(_year(query, year).limit(limit)).scalars())


def years() -> list[int]:
    year = extract("year", AdviceRecord.given_on)
    found = db.session.execute(db.select(year).distinct()).scalars()
    return sorted((int(y) for y in found), reverse=True)


def csv_rows(year: int | None) -> Iterator[tuple]:
    yield ("id", "date", "topic", "colonia", "channel", "outcome", "note")
    query = (
        db.select(AdviceRecord, Colonia.name)
        .outerjoin(Colonia, Colonia.id == AdviceRecord.colonia_id)
        .order_by(AdviceRecord.given_on, AdviceRecord.id)
    )
    rows = db.session.execute(_year(query, year).execution_options(yield_per=500))
    for r, colonia in rows:
        topic, channel, outcome = r.topic.value, r.channel.value, r.outcome.value
        yield (r.id, r.given_on.isoformat(), topic, colonia or "", channel, outcome, r.note)
