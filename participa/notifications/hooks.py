"""What notifications listen to themselves: domain events the staff should hear about."""

from participa.core import signals
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff


@signals.proposal_threshold_reached.connect
def threshold_reached(proposal, *, title: str, link: str, now, **extra) -> None:
    """Tell the staff a proposal is ready for evaluation (in the support's transaction)."""
    notify_staff(NoticeKind.THRESHOLD_REACHED, title, link, now)
