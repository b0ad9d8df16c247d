"""Who hears about what: the people a domain event concerns, and their notices.

Receivers run inside the emitter's transaction (core/signals.py): they add notices and never
commit. Audiences that grow with the data (everyone a process covers, everyone who voted) are
found by background jobs in batches (fanout.py), never in the request."""

from datetime import datetime

from participa.comments.models import Comment
from participa.comments.services import thread_location
from participa.extensions import db
from participa.notifications.follows import followers
from participa.notifications.models import FollowKind, NoticeKind
from participa.notifications.services import notify
from participa.processes.models import Process
from participa.proposals.models import Proposal
from participa.proposals.services import proposal_link
from participa.works.models import Work


def work_link(work: Work) -> str:
    """The work's public accountability page (accountability.views.public_work)."""
    return f"/obras/{work.id}"


def proposal_news(proposal: Proposal, kind: NoticeKind, now: datetime) -> None:
    """Tell the author and the people following the proposal."""
    people = [proposal.author_id, *followers(FollowKind.PROPOSAL, proposal.id)]
    notify(people, kind, proposal.title, proposal_link(proposal), now)


def threshold_news(proposal: Proposal, now: datetime) -> None:
    notify(
        [proposal.author_id],
        NoticeKind.THRESHOLD_REACHED,
        proposal.title,
        proposal_link(proposal),
        now,
    )


def work_news(work: Work, now: datetime) -> None:
    people = followers(FollowKind.WORK, work.id)
    notify(people, NoticeKind.WORK_STATUS_CHANGED, work.title, work_link(work), now)


def reply_news(reply: Comment, parent: Comment, now: datetime) -> None:
    """Tell the author of the comment replied to, unless they answered themselves."""
    if parent.author_id == reply.author_id:
        return
    where = thread_location(reply.thread_id)
    process = db.session.get(Process, where.process_id)
    notify([parent.author_id], NoticeKind.COMMENT_REPLIED, process.title, where.link, now)
