"""How participatory budgets plug into the rest: process pages, lifecycle and receipts."""

from participa.budgets import ballots, counts, outcomes, voting
from participa.core import signals
from participa.core.timeutil import utcnow
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component, ProcessStatus
from participa.receipts.services import register_finder

PB_BALLOT = Component.PB_BALLOT

register_finder(voting.receipt_process)


@components.on_detail(PB_BALLOT)
def detail_panel(process, user, today) -> Panel:
    """Projects, each ballot with why `user` cannot vote in it (None: they can), results."""
    return Panel(
        "budgets/_detail_panel.html", {"ballots": ballots.ballots_for(process, user, today)}
    )


@components.on_manage(PB_BALLOT)
def manage_panel(process) -> Panel:
    return Panel("budgets/_manage_panel.html")


@components.on_readiness(PB_BALLOT)
def readiness(process, target: ProcessStatus) -> list:
    """A ballot before announcing, a feasible project per ballot before opening, a saved
    outcome per ballot before publishing the results."""
    if target in (ProcessStatus.PUBLISHED, ProcessStatus.OPEN):
        return ballots.readiness_problems(process, opening=target is ProcessStatus.OPEN)
    if target is ProcessStatus.RESULTS_PUBLISHED:
        return outcomes.publication_problems(process)
    return []


@components.on_status_change(PB_BALLOT)
def publish_outcomes(actor, process, before: ProcessStatus) -> None:
    if process.status is ProcessStatus.RESULTS_PUBLISHED:
        outcomes.mark_published(process)


@components.on_status_change(PB_BALLOT)
def count_at_close(actor, process, before: ProcessStatus) -> None:
    """Voting closed: count every ballot in the background once the change is committed."""
    if before is ProcessStatus.OPEN and process.status is ProcessStatus.CLOSED:
        ids = [ballot.id for ballot in ballots.ballots(process)]
        counts.count_after_commit(process.id, ids, utcnow())


@signals.paper_ballots_committed.connect
def count_paper_ballots(process, pb_ballot_id=None, **_) -> None:
    """Paper ballots typed after voting closed change the count: count the ballot again."""
    if pb_ballot_id is not None and process.status is ProcessStatus.CLOSED:
        counts.count_after_commit(process.id, [pb_ballot_id], utcnow())
