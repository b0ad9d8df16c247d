"""What residents hear: receivers of the domain signals (core/signals.py). Jobs queued here
carry the site's address as the request sees it (`site_url()`), for the links they send.
Reminders of tomorrow's events go out every NOTICES_REMINDERS_EVERY seconds (periodic job)."""

from participa.core import jobclock, jobs, signals
from participa.core.mailer import site_url
from participa.notifications.models import NoticeKind
from participa.residents import audiences, fanout
from participa.residents.reminders import send_event_reminders_job

jobclock.periodic(
    "notices-reminders",
    "NOTICES_REMINDERS_EVERY",
    send_event_reminders_job,
    jobs.N_("Reminders of tomorrow's events"),
)


@signals.proposal_answered.connect
def proposal_answered(proposal, *, now, **extra) -> None:
    audiences.proposal_news(proposal, NoticeKind.PROPOSAL_ANSWERED, now)


@signals.proposal_threshold_reached.connect
def threshold_reached(proposal, *, now, **extra) -> None:
    audiences.threshold_news(proposal, now)


@signals.proposal_converted.connect
def proposal_converted(proposal, *, now, **extra) -> None:
    audiences.proposal_news(proposal, NoticeKind.PROPOSAL_CONVERTED, now)


@signals.work_status_changed.connect
def work_status_changed(work, **extra) -> None:
    audiences.work_news(work)


@signals.comment_replied.connect
def comment_replied(reply, *, parent, now, **extra) -> None:
    audiences.reply_news(reply, parent, now)


@signals.voting_opened.connect
def voting_opened(process, **extra) -> None:
    jobs.after_commit("notices-voting-opened", fanout.notify_voting_opened, process.id, site_url())


@signals.results_published.connect
def results_published(process, **extra) -> None:
    jobs.after_commit("notices-results", fanout.notify_results_published, process.id, site_url())
