"""What notifications listen to themselves: domain events the staff should hear about; and
the daily digest, a periodic job every NOTICES_DIGEST_EVERY seconds."""

from participa.core import jobclock, jobs, signals
from participa.notifications.delivery import send_digests_job
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff

jobclock.periodic(
    "notices-digest", "NOTICES_DIGEST_EVERY", send_digests_job, jobs.N_("Daily digest of notices")
)


@signals.proposal_threshold_reached.connect
def threshold_reached(proposal, *, title: str, link: str, now, **extra) -> None:
    """Tell the staff a proposal is ready for evaluation (in the support's transaction)."""
    notify_staff(NoticeKind.THRESHOLD_REACHED, title, link, now)
