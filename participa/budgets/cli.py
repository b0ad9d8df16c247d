"""Command-line tools: `flask pb-results` counts a Pabulib file without touching the database;
`flask pb-import` stores one as a closed PB process; `flask pb-count` counts stored ballots."""

import json
from fractions import Fraction
from pathlib import Path

import click
from click.core import ParameterSource

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
from participa.tally.pb import (
    Amount,
    Completion,
    Election,
    GreedyOutcome,
    MesOutcome,
    MesSettings,
    equal_shares,
    greedy_for_meta,
)

COUNTED = {ProcessStatus.CLOSED, *RESULTS_PUBLIC_STATUSES}
MES_ONLY = ("completion", "exhaustive_stop", "comparison", "points_as_weights")


def amount(value: Amount) -> int | str:
    """Return an amount for JSON: whole numbers as numbers, fractions as "n/d" text."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else str(value)


def greedy_report(outcome: GreedyOutcome) -> dict:
    """Describe a greedy count."""
    return {
        "rule": "greedy",
        "variant": outcome.variant.value,
        "threshold": amount(outcome.threshold),
    }


def mes_report(outcome: MesOutcome) -> dict:
    """Describe an Equal Shares count."""
    settings, comparison = outcome.settings, outcome.comparison
    preferences = None
    if comparison is not None:
        preferences = {
            "prefers_mes": comparison.prefers_mes,
            "prefers_greedy": comparison.prefers_greedy,
            "greedy_chosen": outcome.greedy_chosen,
        }
    return {
        "rule": "mes",
        "completion": settings.completion.value,
        "exhaustive_stop": settings.exhaustive_stop,
        "points_as_weights": settings.points_as_weights,
        "per_voter_budget": amount(outcome.per_voter_budget),
        "add1_steps": outcome.add1_steps,
        "mes_winners": list(outcome.mes_winners),
        "filled": list(outcome.filled),
        "comparison": preferences,
    }


def report(path: Path, election: Election, outcome: GreedyOutcome | MesOutcome) -> dict:
    """Return the JSON-ready result of a count."""
    details = greedy_report(outcome) if isinstance(outcome, GreedyOutcome) else mes_report(outcome)
    return {
        "file": path.name,
        "vote_type": election.kind.value,
        "voters": len(election.ballots),
        "projects": len(election.projects),
        "budget": amount(election.budget),
        "budget_used": amount(outcome.cost),
        "winners": list(outcome.winners),  # in the order they were funded
        **details,
    }


@click.command("pb-results")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rule",
    type=click.Choice(["greedy", "mes"]),
    required=True,
    help="greedy: the standard method, with the file's META variant; mes: Equal Shares.",
)
@click.option(
    "--completion",
    type=click.Choice([c.value for c in Completion]),
    default=Completion.ADD1.value,
    show_default=True,
    help="Equal Shares completion.",
)
@click.option("--exhaustive-stop", is_flag=True, help="Stop Add1 at the first exhaustive outcome.")
@click.option(
    "--comparison", is_flag=True, help="Take the greedy outcome if more voters prefer it."
)
@click.option(
    "--points-as-weights", is_flag=True, help="Cumulative ballots: pay in proportion to points."
)
@click.pass_context
def pb_results(ctx: click.Context, path: Path, rule: str, **options) -> None:
    """Count a Pabulib (.pb) file with a PB rule and print the result as JSON."""
    if rule == "greedy":
        given = [n for n in MES_ONLY if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE]
        if given:
            names = ", ".join("--" + n.replace("_", "-") for n in given)
            raise click.UsageError(f"{names}: for --rule mes only")
    try:
        election = read_pabulib(path)
    except (PabulibError, OSError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    if rule == "greedy":
        outcome = greedy_for_meta(election)
    else:
        settings = MesSettings(**{**options, "completion": Completion(options["completion"])})
        outcome = equal_shares(election, settings)
    click.echo(json.dumps(report(path, election, outcome), indent=1, ensure_ascii=False))


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
