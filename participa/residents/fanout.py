"""Notices to many people at once, as background jobs in batches of `BATCH` people.

Each batch's notices are committed by the job (and then delivered); a job that stops half-way
leaves the batches before it stored. A job may run again (a retry, or a re-dispatch after its
worker went silent): every notice carries a key (`fanout_key`, the notification's unique
`dedupe`) and people already holding theirs are skipped, so a re-run tells each person once.
Each batch reports `jobs.progress`, the job's heartbeat. Functions take plain values
(core/jobs.py), including `site`, the address links are built on (captured in the request)."""

from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, union

from participa.auth.models import Role, User
from participa.budgets.models import PbBallot, PbParticipation
from participa.consultations.models import Participation
from participa.core import jobs
from participa.core.timeutil import local_today, utcnow
from participa.eligibility.participants import as_voter
from participa.eligibility.standing import Place, Wording, climb
from participa.extensions import db
from participa.notifications.models import Follow, FollowKind, NoticeKind, Notification
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


def fanout_key(event: str, user_id: int) -> str:
    """The notice's unique key: one notice per person per fanned-out event."""
    return f"fan:{event}:{user_id}"[:80]


def _tell(ids, kind: NoticeKind, subject: str, link: str, event: str, site: str) -> int:
    """Notify those of `ids` not yet told of `event` and commit; how many were told now."""
    keys = {user_id: fanout_key(event, user_id) for user_id in ids}
    told = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.dedupe.in_(list(keys.values())))
        ).scalars()
    )
    fresh = {user_id: key for user_id, key in keys.items() if user_id not in told}
    notify(list(fresh), kind, subject, link, utcnow(), dedupe=fresh, site=site)
    db.session.commit()
    return len(fresh)


def _progress(last_id: int, top_id: int | None) -> None:
    jobs.progress(100 * last_id / top_id if top_id else 100, f"{last_id}/{top_id}")


def _residents_after(process: Process, last_id: int) -> list[User]:
    query = db.select(User).where(
        User.role == Role.CITIZEN, User.active.is_(True), User.id > last_id
    )
    if process.scope is ScopeKind.MUNICIPALITY:
        query = query.where(User.colonia_id.is_not(None))
    else:
        query = query.where(User.colonia_id.in_([c.id for c in colonias_in_scope(process)]))
    return list(db.session.execute(query.order_by(User.id).limit(BATCH)).scalars())


def _may_vote(process: Process, user: User, place: Place, today) -> bool:
    """Every rung but the confirmed contact's: the notice is what prompts a resident who has not
    confirmed yet to do so (the ladder asks a looked-up Voter for no contact)."""
    return climb(process, as_voter(user, today, process), place, today, _QUIET)[0] is None


def notify_voting_opened(process_id: int, site: str = "") -> int:
    """Tell every resident whose colonia the process covers and who may vote in it; return
    how many were told. Runs after the opening commits; a process closed meanwhile tells none."""
    process, told, last_id = db.session.get(Process, process_id), 0, 0
    place, today = Place(known=True, covered=True), _municipal_today()
    top_id = db.session.execute(select(func.max(User.id))).scalar()
    event, link = f"opened:{process_id}", process_link(process)
    while people := _residents_after(process, last_id):
        last_id = people[-1].id
        eligible = [u.id for u in people if _may_vote(process, u, place, today)]
        told += _tell(eligible, NoticeKind.VOTING_OPENED, process.title, link, event, site)
        _progress(last_id, top_id)
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


def notify_results_published(process_id: int, site: str = "") -> int:
    """Tell every account that took part in the process that its results are out."""
    process, told, last_id = db.session.get(Process, process_id), 0, 0
    voters = _voters(process_id)
    top_id = db.session.execute(select(func.max(voters.c.user_id))).scalar()
    event, link = f"results:{process_id}", process_link(process)
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
        told += _tell(ids, NoticeKind.RESULTS_PUBLISHED, process.title, link, event, site)
        _progress(last_id, top_id)


def notify_followers(
    follow_kind: str,
    target_id: int,
    kind: str,
    subject: str,
    link: str,
    skip_user_id: int,
    event: str = "",
    site: str = "",
) -> int:
    """Tell the followers of a work or proposal (but `skip_user_id`, already told) of the news
    `event` (a key made when the news was queued: the same work changes status many times)."""
    told, last_id = 0, 0
    follows = (Follow.kind == FollowKind(follow_kind), Follow.target_id == target_id)
    top_id = db.session.execute(select(func.max(Follow.user_id)).where(*follows)).scalar()
    while True:
        ids = list(
            db.session.execute(
                select(Follow.user_id)
                .where(*follows, Follow.user_id > last_id, Follow.user_id != skip_user_id)
                .order_by(Follow.user_id)
                .limit(BATCH)
            ).scalars()
        )
        if not ids:
            return told
        last_id = ids[-1]
        told += _tell(ids, NoticeKind(kind), subject, link, event or f"{kind}:{target_id}", site)
        _progress(last_id, top_id)
