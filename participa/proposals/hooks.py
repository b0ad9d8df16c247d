"""What proposals plug into other domains: panels on the process pages; proposals are
reportable (moderation), their comment threads show on the proposal's page, and their settings
say how many reports hide content."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l

from participa.comments import services as comments
from participa.extensions import db
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component
from participa.proposals import services, supports
from participa.proposals.models import Proposal, ProposalSettings, ProposalStatus
from participa.proposals.services import proposal_link


def _locate(proposal: Proposal) -> Location:
    return Location(proposal.process_id, proposal_link(proposal))


def _thread_owner(thread_ids: Collection[int]) -> dict[int, Location]:
    query = db.select(Proposal).where(Proposal.thread_id.in_(list(thread_ids)))
    return {p.thread_id: _locate(p) for p in db.session.execute(query).scalars()}


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


@components.on_detail(Component.PROPOSALS)
def detail_panel(process, user, today) -> Panel:
    """The three most supported proposals, and whether `user` may propose."""
    found, _more = services.find_proposals(process, services.ProposalFilter(sort="supports"))
    return Panel(
        "proposals/_detail_panel.html",
        {
            "process": process,
            "top": found[:3],
            "problem": services.proposing_problem(process, user),
            "collects": supports.collects_supports(process),
        },
    )


@components.on_manage(Component.PROPOSALS)
def manage_panel(process) -> Panel:
    found = services.staff_list(process)
    pending = sum(p.status is ProposalStatus.PENDING for p in found)
    return Panel(
        "proposals/_manage_panel.html",
        {"process": process, "total": len(found), "pending": pending},
    )
