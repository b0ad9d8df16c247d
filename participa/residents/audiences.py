"""Who hears about what: the people a domain event concerns, and their notices.

Receivers run inside the emitter's transaction (core/signals.py): they add notices and never
commit. Audiences that grow with the data (everyone a process covers, everyone who voted, the
followers of a work or a proposal) are found by background jobs in batches (fanout.py), never
in the request."""

from datetime import datetime
from uuid import uuid4

from participa.comments.models import Comment
from participa.comments.services import thread_location
from participa.core import jobs
from participa.core.mailer import site_url
from participa.extensions import db
from participa.notifications.models import FollowKind, NoticeKind
from participa.notifications.services import notify
from participa.processes.models import Process
from participa.proposals.models import Proposal
from participa.proposals.services import proposal_link
from participa.residents import fanout
from participa.works.models import Work


def work_link(work: Work) -> str:
    """The work's public accountability page (accountability.views.public_work)."""
    return f"/obras/{work.id}"


def _followers_later(kind: FollowKind, target_id: int, notice: NoticeKind, subject, link, skip):
    """Followers may be thousands: a job tells them once the action commits. The news gets a
    key of its own (a re-run of the job skips those already told of it)."""
    event = f"{notice.value}:{target_id}:{uuid4().hex[:16]}"
    args = (kind.value, target_id, notice.value, subject, link, skip or 0, event, site_url())
    jobs.after_commit("notices-followers", fanout.notify_followers, *args)


def proposal_news(proposal: Proposal, kind: NoticeKind, now: datetime) -> None:
    """Tell the author now and the people following the proposal in the background."""
    link = proposal_link(proposal)
    notify([proposal.author_id], kind, proposal.title, link, now)
    _followers_later(
        FollowKind.PROPOSAL, proposal.id, kind, proposal.title, link, proposal.author_id
    )


def threshold_news(proposal: Proposal, now: datetime) -> None:
    notify(
        [proposal.author_id],
        NoticeKind.THRESHOLD_REACHED,
        proposal.title,
        proposal_link(proposal),
        now,
    )


def work_news(work: Work) -> None:
    kind = NoticeKind.WORK_STATUS_CHANGED
    _followers_later(FollowKind.WORK, work.id, kind, work.title, work_link(work), None)


def reply_news(reply: Comment, parent: Comment, now: datetime) -> None:
    """Tell the author of the comment replied to, unless they answered themselves."""
    if parent.author_id == reply.author_id:
        return
    try:
        where = thread_location(reply.thread_id)
    except LookupError:  # a thread no page shows: nothing to link to
        return
    process = db.session.get(Process, where.process_id)
    notify([parent.author_id], NoticeKind.COMMENT_REPLIED, process.title, where.link, now)
