"""What a resident took part in, for "Mis participaciones": read from who-took-part records.

Votes and answers come from participation records (who, when), never from ballot content:
nothing here can say what the person chose. Receipts are checked at /recibos."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import selectinload

from participa.budgets.models import PbBallot, PbParticipation
from participa.collaboration.models import Pledge
from participa.comments.models import Comment
from participa.comments.services import thread_locations
from participa.consultations.models import Participation
from participa.events.models import Attendance, Event, Registration
from participa.extensions import db
from participa.notifications.follows import followed
from participa.notifications.models import FollowKind
from participa.processes.models import Process
from participa.proposals.models import Proposal, Support
from participa.proposals.services import proposal_link
from participa.works.models import Work

LIMIT = 50  # per section, newest first


@dataclass(frozen=True)
class Item:
    title: str
    link: str | None
    when: datetime | None = None


@dataclass(frozen=True)
class Participations:
    voted: list[Item]
    authored: list[Item]
    supported: list[Item]
    events: list[Item]
    comments: list[Item]
    pledges: list[Item]
    works: list[Item]


def _rows(query) -> list:
    return list(db.session.execute(query.limit(LIMIT)).all())


def _voted(user_id: int) -> list[Item]:
    consulted = _rows(
        db.select(Process, Participation.created_at)
        .join(Participation, Participation.process_id == Process.id)
        .where(Participation.user_id == user_id)
        .order_by(Participation.created_at.desc())
    )
    voted = _rows(
        db.select(Process, PbParticipation.created_at)
        .join(PbBallot, PbBallot.process_id == Process.id)
        .join(PbParticipation, PbParticipation.ballot_id == PbBallot.id)
        .where(PbParticipation.user_id == user_id)
        .order_by(PbParticipation.created_at.desc())
    )
    # Two lists, each newest first: merged by date, then cut to the section's limit.
    merged = sorted([*consulted, *voted], key=lambda row: row[1], reverse=True)[:LIMIT]
    return [Item(p.title, f"/procesos/{p.id}", at) for p, at in merged]


def _proposals(query) -> list[Item]:
    return [Item(p.title, proposal_link(p), p.created_at) for (p,) in _rows(query)]


def _events(user_id: int) -> list[Item]:
    registered = db.select(Registration.event_id).where(Registration.user_id == user_id)
    attended = db.select(Attendance.event_id).where(Attendance.user_id == user_id)
    query = (
        db.select(Event)
        .where(Event.id.in_(registered.union(attended)))
        .order_by(Event.starts_at.desc())
    )
    return [
        Item(e.title, f"/procesos/{e.process_id}/eventos/{e.id}", e.starts_at)
        for (e,) in _rows(query)
    ]


def _process_titles(process_ids: set[int]) -> dict[int, str]:
    query = db.select(Process.id, Process.title).where(Process.id.in_(process_ids))
    return dict(db.session.execute(query).all())


def _comments(user_id: int) -> list[Item]:
    query = db.select(Comment).where(Comment.author_id == user_id).order_by(Comment.id.desc())
    found = [comment for (comment,) in _rows(query)]
    where = thread_locations({c.thread_id for c in found})
    titles = _process_titles({location.process_id for location in where.values()})
    return [
        Item(titles[where[c.thread_id].process_id], where[c.thread_id].link, c.created_at)
        for c in found
        if c.thread_id in where
    ]


def _pledges(user_id: int) -> list[Item]:
    query = (
        db.select(Pledge)
        .where(Pledge.user_id == user_id, Pledge.cancelled_at.is_(None))
        .order_by(Pledge.id.desc())
        .options(selectinload(Pledge.work))
    )
    return [Item(p.work.name, None, p.created_at) for (p,) in _rows(query)]


def _works(user_id: int) -> list[Item]:
    ids = followed(user_id, FollowKind.WORK)
    works = db.session.execute(db.select(Work).where(Work.id.in_(ids))).scalars()
    return [Item(w.title, f"/obras/{w.id}") for w in works]


def participations_of(user_id: int) -> Participations:
    """Everything the person took part in, each section newest first."""
    return Participations(
        voted=_voted(user_id),
        authored=_proposals(
            db.select(Proposal).where(Proposal.author_id == user_id).order_by(Proposal.id.desc())
        ),
        supported=_proposals(
            db.select(Proposal)
            .join(Support, Support.proposal_id == Proposal.id)
            .where(Support.user_id == user_id)
            .order_by(Support.id.desc())
        ),
        events=_events(user_id),
        comments=_comments(user_id),
        pledges=_pledges(user_id),
        works=_works(user_id),
    )
