"""Notices to many people at once, as background jobs in batches of `BATCH` people.

Each batch's notices are committed by the job (and then delivered); a job that stops half-way
leaves the batches before it stored. Functions take plain ids (core/jobs.py)."""

from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, union

from participa.auth.models import Role, User
from participa.budgets.models import PbBallot, PbParticipation
from participa.consultations.models import Participation
from participa.core.timeutil import local_today, utcnow
from participa.eligibility.standing import Place, Wording, climb
from participa.extensions import db
from participa.notifications.models import Follow, FollowKind, NoticeKind
from participa.notifications.services import notify
from participa.processes.models import Process
from participa.processes.scope import colonias_in_scope
from participa.processes.types import ScopeKind

BATCH = 500
# The ladder's messages are not shown here: any of them means "not eligible".
_QUIET = Wording(not_open=1, unidentified=2, out_of_scope=3, too_young=lambda age: 4)


def process_link(process: Process) -> str:
    return f"/procesos/{process.id}"


def _municipal_today():
    return local_today(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def _residents_after(process: Process, last_id: int) -> list[User]:
    query = db.select(User).where(
        User.role == Role.CITIZEN, User.active.is_(True), User.id > last_id
    )
    if process.scope is ScopeKind.MUNICIPALITY:
        query = query.where(User.colonia_id.is_not(None))
    else:
        query = query.where(User.colonia_id.in_([c.id for c in colonias_in_scope(process)]))
    return list(db.session.execute(query.order_by(User.id).limit(BATCH)).scalars())


def notify_voting_opened(process_id: int) -> int:
    """Tell every resident whose colonia the process covers and who may vote in it; return
    how many were told. Runs after the opening commits; a process closed meanwhile tells none."""
    process, told, last_id = db.session.get(Process, process_id), 0, 0
    place, today, now = Place(known=True, covered=True), _municipal_today(), utcnow()
    while people := _residents_after(process, last_id):
        last_id = people[-1].id
        eligible = [u.id for u in people if climb(process, u, place, today, _QUIET)[0] is None]
        notify(eligible, NoticeKind.VOTING_OPENED, process.title, process_link(process), now)
        db.session.commit()
        told += len(eligible)
    return told


def _voters(process_id: int):
    """Accounts that took part, from the who-voted records only (never ballot content)."""
    consulted = select(Participation.user_id).where(Participation.process_id == process_id)
    voted = (
        select(PbParticipation.user_id)
        .join(PbBallot, PbBallot.id == PbParticipation.ballot_id)
        .where(PbBallot.process_id == process_id)
    )
    return union(consulted, voted).subquery()


def notify_results_published(process_id: int) -> int:
    """Tell every account that took part in the process that its results are out."""
    process, told, last_id, now = db.session.get(Process, process_id), 0, 0, utcnow()
    voters = _voters(process_id)
    while True:
        ids = list(
            db.session.execute(
                select(voters.c.user_id)
                .where(voters.c.user_id.is_not(None), voters.c.user_id > last_id)
                .order_by(voters.c.user_id)
                .limit(BATCH)
            ).scalars()
        )
        if not ids:
            return told
        last_id = ids[-1]
        notify(ids, NoticeKind.RESULTS_PUBLISHED, process.title, process_link(process), now)
        db.session.commit()
        told += len(ids)


def notify_followers(
    follow_kind: str, target_id: int, kind: str, subject: str, link: str, skip_user_id: int
) -> int:
    """Tell the followers of a work or proposal (but `skip_user_id`, already told)."""
    told, last_id, now = 0, 0, utcnow()
    while True:
        ids = list(
            db.session.execute(
                select(Follow.user_id)
                .where(
                    Follow.kind == FollowKind(follow_kind),
                    Follow.target_id == target_id,
                    Follow.user_id > last_id,
                    Follow.user_id != skip_user_id,
                )
                .order_by(Follow.user_id)
                .limit(BATCH)
            ).scalars()
        )
        if not ids:
            return told
        last_id = ids[-1]
        notify(ids, NoticeKind(kind), subject, link, now)
        db.session.commit()
        told += len(ids)
