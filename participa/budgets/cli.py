"""Command-line tools: `flask pb-import` stores a Pabulib file as a closed PB process;
`flask pb-count` counts a process's ballots now. (`flask pb-results`, which needs no app, is
participa/counting_cli.py.)"""

import json
from pathlib import Path

import click

from participa.budgets import counts
from participa.budgets.ballots import ballots
from participa.budgets.models import CountState, PbBallot, PbCount
from participa.budgets.pb_io import import_election
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus
from participa.tally.pabulib import PabulibError, read_pabulib

COUNTED = {ProcessStatus.CLOSED, *RESULTS_PUBLIC_STATUSES}


@click.command("pb-import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="Title of the new process (default: the file's description).")
def pb_import(path: Path, title: str | None) -> None:
    """Import a Pabulib (.pb) file as a closed participatory-budgeting process."""
    try:
        election = read_pabulib(path)
    except (PabulibError, OSError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    try:
        done = import_election(None, election, stem=path.stem, now=utcnow(), title=title)
    except DomainError as error:
        raise click.ClickException(f"{path}: {error.message}") from None
    click.echo(
        f"Process {done.process.id} created: ballot {done.ballot.id}, "
        f"{len(done.project_ids)} projects, {done.voters} voters."
    )
    for warning in election.warnings:
        click.echo(f"Warning: {warning}.")


@click.command("pb-count")
@click.option("--process", "process_id", type=int, help="The PB process (id).")
@click.option("--all", "every", is_flag=True, help="Every PB process whose voting has closed.")
@click.option(
    "--force",
    is_flag=True,
    help="Take over a count still marked as running (its server process was restarted).",
)
def pb_count(process_id: int | None, every: bool, force: bool) -> None:
    """Count the ballots of a PB process now (greedy and Equal Shares) and store the result.

    What voting's close starts in the background, in this process: Equal Shares reads every
    vote, about a minute at a million. The results pages show the stored count. A ballot
    being counted by the server meanwhile is left to that count, unless --force.
    """
    if (process_id is None) == (not every):
        raise click.UsageError("give --process ID or --all")
    for process in _closed_processes(process_id):
        ids = [ballot.id for ballot in ballots(process)]
        claims = counts.count_here(process.id, ids, utcnow(), force)
        for ballot_id in sorted(set(ids) - {ballot_id for ballot_id, _ in claims}):
            click.echo(
                f"ballot {ballot_id}: being counted by another process; left to it "
                "(--force takes it over)"
            )
        failed = False
        for ballot_id, _attempt in claims:
            row = db.session.get(PbCount, ballot_id)
            if row.state is CountState.FAILED:
                failed = True
                click.echo(f"ballot {ballot_id}: the count failed: {row.error}")
            else:
                voters = json.loads(row.result)["voters"]
                click.echo(f"ballot {ballot_id}: {voters} votes counted")
        if failed:
            raise click.ClickException(f"process {process.id}: a count failed")


def _closed_processes(process_id: int | None) -> list[Process]:
    """The process asked for (closed or later), or every such PB process."""
    if process_id is not None:
        process = db.session.get(Process, process_id)
        if process is None:
            raise click.ClickException(f"There is no process {process_id}.")
        if not ballots(process):
            raise click.ClickException(f"Process {process_id} has no PB ballots.")
        if process.status not in COUNTED:
            raise click.ClickException(f"Process {process_id}: voting has not closed yet.")
        return [process]
    query = db.select(Process).where(
        Process.status.in_(COUNTED), Process.id.in_(db.select(PbBallot.process_id))
    )
    return list(db.session.execute(query.order_by(Process.id)).scalars())
