"""What an event leaves on record: the acta (in versions), its acuerdos and hand votes."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.numbers import number
from participa.events.attendance import attendance_count
from participa.events.models import Event, EventAgreement, HandVote, Minutes
from participa.extensions import db
from participa.processes.types import ProcessStatus

CONFLICT = _l("Someone saved a change here at the same moment. Reload the page and try again.")

MAX_MINUTES = 100_000
MAX_AGREEMENT = 2000
MAX_OWNER = 160
MAX_MOTION = 1000
MAX_NOTE = 1000
# Hands counted at one event: far above any assembly, far below what a database column holds.
MAX_HAND_COUNT = 1_000_000


@dataclass(frozen=True)
class AgreementData:
    text: str
    owner: str = ""
    due_on: date | None = None


@dataclass(frozen=True)
class VoteData:
    motion: str
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    note: str = ""


def _check_open(event: Event) -> None:
    if event.process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))


def _text(value: str, limit: int, field: str, empty_message) -> str:
    value = (value or "").strip()
    if not value and empty_message:
        raise DomainError(empty_message, field=field)
    if len(value) > limit:
        raise DomainError(_l("Keep it to %(num)s characters.", num=limit), field=field)
    return value


# --- Minutes ------------------------------------------------------------------------------


def minutes_versions(event: Event) -> list[Minutes]:
    """Every version of the acta, the newest first."""
    query = db.select(Minutes).where(Minutes.event_id == event.id).order_by(Minutes.version.desc())
    return list(db.session.execute(query).scalars())


def published_minutes(event: Event) -> Minutes | None:
    """The newest published version: what residents read."""
    return next((m for m in minutes_versions(event) if m.published_at is not None), None)


def draft_minutes(event: Event) -> Minutes | None:
    latest = next(iter(minutes_versions(event)), None)
    return latest if latest is not None and latest.published_at is None else None


def save_minutes(actor, event: Event, text: str, *, now: datetime) -> Minutes:
    """Write the draft; after publication a change starts a new version, the old one stays."""
    _check_open(event)
    text = _text(text, MAX_MINUTES, "text", _l("Write the minutes."))
    draft = draft_minutes(event)
    if draft is None:
        latest = next(iter(minutes_versions(event)), None)
        draft = Minutes(
            event_id=event.id,
            version=latest.version + 1 if latest else 1,
            created_at=now,
            created_by_id=actor.id,
        )
        db.session.add(draft)
    draft.text = text
    try:
        db.session.flush()
        record(actor, "event.minutes.save", event, version=draft.version, text=text)
        db.session.commit()
    except IntegrityError as error:  # another staff member started the same version first
        db.session.rollback()
        raise DomainError(CONFLICT) from error
    return draft


def publish_minutes(actor, event: Event, *, now: datetime) -> Minutes:
    _check_open(event)
    if not event.has_started(now):
        raise DomainError(_l("The minutes can be published once the event has taken place."))
    draft = draft_minutes(event)
    if draft is None:
        raise DomainError(_l("There is no draft of the minutes to publish."))
    draft.published_at = now
    record(actor, "event.minutes.publish", event, version=draft.version)
    db.session.commit()
    return draft


# --- Agreements ---------------------------------------------------------------------------


def agreements(event: Event) -> list[EventAgreement]:
    query = (
        db.select(EventAgreement)
        .where(EventAgreement.event_id == event.id)
        .order_by(EventAgreement.id)
    )
    return list(db.session.execute(query).scalars())


def add_agreement(actor, event: Event, data: AgreementData) -> EventAgreement:
    _check_open(event)
    text = _text(data.text, MAX_AGREEMENT, "agreement", _l("Write the agreement."))
    owner = _text(data.owner, MAX_OWNER, "owner", None)
    agreement = EventAgreement(event_id=event.id, text=text, owner=owner, due_on=data.due_on)
    db.session.add(agreement)
    db.session.flush()
    record(actor, "event.agreement.add", event, agreement=agreement.id, text=text, owner=owner)
    db.session.commit()
    return agreement


def delete_agreement(actor, agreement: EventAgreement) -> None:
    event = db.session.get(Event, agreement.event_id)
    _check_open(event)
    record(actor, "event.agreement.delete", event, agreement=agreement.id, text=agreement.text)
    db.session.delete(agreement)
    db.session.commit()


# --- Votes by show of hands ---------------------------------------------------------------


def hand_votes(event: Event) -> list[HandVote]:
    query = db.select(HandVote).where(HandVote.event_id == event.id).order_by(HandVote.id)
    return list(db.session.execute(query).scalars())


def _check_counts(event: Event, data: VoteData) -> None:
    counts = {
        "votes_for": data.votes_for,
        "votes_against": data.votes_against,
        "abstentions": data.abstentions,
    }
    for name, value in counts.items():
        if value is None or value < 0:
            raise DomainError(_l("Write a whole number, 0 or more."), field=name)
        if value > MAX_HAND_COUNT:
            raise DomainError(
                _l("Write a number of people up to %(max)s.", max=number(MAX_HAND_COUNT)),
                field=name,
            )
    present = attendance_count(event)
    if present and sum(counts.values()) > present:
        raise DomainError(
            _l(
                "For, against and abstentions add up to %(total)s, more than the %(present)s "
                "people recorded as present.",
                total=sum(counts.values()),
                present=present,
            ),
            field="votes_for",
        )


def add_hand_vote(actor, event: Event, data: VoteData) -> HandVote:
    """Record a motion and its counts; approved when more are for it than against it."""
    _check_open(event)
    motion = _text(data.motion, MAX_MOTION, "motion", _l("Write the motion that was voted."))
    note = _text(data.note, MAX_NOTE, "note", None)
    _check_counts(event, data)
    vote = HandVote(
        event_id=event.id,
        motion=motion,
        votes_for=data.votes_for,
        votes_against=data.votes_against,
        abstentions=data.abstentions,
        note=note,
    )
    db.session.add(vote)
    db.session.flush()
    record(
        actor,
        "event.vote.add",
        event,
        vote=vote.id,
        motion=motion,
        counts=[vote.votes_for, vote.votes_against, vote.abstentions],
        approved=vote.approved,
    )
    db.session.commit()
    return vote


def delete_hand_vote(actor, vote: HandVote) -> None:
    event = db.session.get(Event, vote.event_id)
    _check_open(event)
    record(actor, "event.vote.delete", event, vote=vote.id, motion=vote.motion)
    db.session.delete(vote)
    db.session.commit()
