"""What proposals plug into other domains: proposals are reportable (moderation), their
comment threads are shown on the proposal's page, and their settings say how many reports
hide content."""

from flask_babel import lazy_gettext as _l

from participa.comments import services as comments
from participa.extensions import db
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable
from participa.proposals.models import Proposal, ProposalSettings
from participa.proposals.services import proposal_link


def _locate(proposal: Proposal) -> Location:
    return Location(proposal.process_id, proposal_link(proposal))


def _thread_owner(thread_id: int) -> Location | None:
    query = db.select(Proposal).where(Proposal.thread_id == thread_id)
    found = db.session.execute(query).scalar_one_or_none()
    return _locate(found) if found else None


def _reports_to_hide(process_id: int) -> int | None:
    # Stored with the process's proposal settings; it applies to all its reportable content.
    settings = db.session.get(ProposalSettings, process_id)
    return settings.reports_to_hide if settings else None


registry.register(
    Reportable(
        name="proposal",
        model=Proposal,
        path="propuestas",
        label=_l("Proposal"),
        locate=_locate,
        subject=lambda proposal: proposal.title,
    )
)
registry.register_reports_to_hide(_reports_to_hide)
comments.register_thread_owner(_thread_owner)
