"""`flask aggregates-recompute` and `flask aggregates-fold`: maintenance of result aggregates."""

import click

from participa.aggregates.fold import fold_ballot, fold_process, recompute_ballot, recompute_process
from participa.budgets.models import PbBallot
from participa.extensions import db
from participa.processes.models import Process


def _targets(process_id: int | None) -> list[tuple[Process, list[int]]]:
    """The processes to work on (one, or all), each with its PB ballot ids."""
    query = db.select(Process).order_by(Process.id)
    if process_id is not None:
        query = query.where(Process.id == process_id)
    processes = list(db.session.execute(query).scalars())
    if process_id is not None and not processes:
        raise click.ClickException(f"There is no process {process_id}.")
    ballots = db.session.execute(db.select(PbBallot.process_id, PbBallot.id).order_by(PbBallot.id))
    by_process: dict[int, list[int]] = {}
    for owner, ballot_id in ballots:
        by_process.setdefault(owner, []).append(ballot_id)
    db.session.remove()  # the work runs on connections of its own
    return [(p, by_process.get(p.id, [])) for p in processes]


@click.command("aggregates-recompute")
@click.option("--process", "process_id", type=int, help="Only this process (id).")
def aggregates_recompute(process_id: int | None) -> None:
    """Rebuild the result aggregates from the raw ballots, one transaction per process/ballot."""
    for process, ballot_ids in _targets(process_id):
        responses = recompute_process(process.id)
        votes = sum(recompute_ballot(b) for b in ballot_ids)
        click.echo(f"process {process.id}: {responses} responses, {votes} PB votes recounted")


@click.command("aggregates-fold")
@click.option("--process", "process_id", type=int, help="Only this process (id).")
def aggregates_fold(process_id: int | None) -> None:
    """Fold the ballots not yet counted into the aggregates (results reads also do it)."""
    for process, ballot_ids in _targets(process_id):
        responses = fold_process(process.id)
        votes = sum(fold_ballot(b) for b in ballot_ids)
        click.echo(f"process {process.id}: {responses} responses, {votes} PB votes folded")
