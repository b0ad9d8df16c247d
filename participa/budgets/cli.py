"""Command-line tools: `flask pb-import` stores a Pabulib file as a closed PB process;
`flask pb-count` counts a process's ballots now. (`flask pb-results`, which needs no app, is
participa/counting_cli.py.)"""

from pathlib import Path

import click

from participa.budgets.ballots import ballots
from participa.budgets.counting import compare
from participa.budgets.pb_io import import_election
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.tally.pabulib import PabulibError, read_pabulib


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
@click.option("--process", "process_id", type=int, required=True, help="The PB process (id).")
def pb_count(process_id: int) -> None:
    """Count every ballot of a PB process now (greedy and Equal Shares), for its readers.

    Equal Shares reads every vote: almost a minute at a million here, longer than a web
    request may take. The result is kept in instance/cache/pb/, where the results pages of
    every server process find it.
    """
    process = db.session.get(Process, process_id)
    if process is None:
        raise click.ClickException(f"There is no process {process_id}.")
    found = ballots(process)
    if not found:
        raise click.ClickException(f"Process {process_id} has no PB ballots.")
    for ballot in found:
        comparison = compare(ballot)
        click.echo(f"ballot {ballot.id}: {comparison.voters} votes counted")
