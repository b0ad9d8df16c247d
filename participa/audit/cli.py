"""`flask audit-verify [--checkpoints FILE]` and `flask audit-checkpoint`."""

import click

from participa.audit.services import checkpoint_now, latest_checkpoint
from participa.audit.verify import read_checkpoint_file, verify_chain

SHOWN = 50  # problems printed; the count says how many more


@click.command("audit-verify")
@click.option(
    "--checkpoints",
    "paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A checkpoint file (JSON or CSV) downloaded from the public page; may repeat.",
)
def audit_verify(paths: tuple[str, ...]) -> None:
    """Check the audit log's keyed chain and checkpoints; name every altered event."""
    outside = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            try:
                outside += read_checkpoint_file(handle.read(), path)
            except ValueError as error:
                raise click.ClickException(str(error)) from error
    report = verify_chain(outside)
    if report.problems:
        for problem in report.problems[:SHOWN]:
            click.echo(f"- {problem.text}", err=True)
        if len(report.problems) > SHOWN:
            click.echo(f"... and {len(report.problems) - SHOWN} more.", err=True)
        raise click.ClickException(
            f"The audit log was altered: {len(report.problems)} problems in "
            f"{report.checked} events."
        )
    checked = len(outside)
    click.echo(
        f"Audit log intact: {report.checked} events"
        + (f", agreeing with {checked} checkpoints from the files given." if checked else ".")
    )


@click.command("audit-checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint of the audit log's tip now and publish it (/transparencia/bitacora)."""
    before = latest_checkpoint()
    checkpoint = checkpoint_now()
    if checkpoint is None or (before is not None and checkpoint.id == before.id):
        click.echo("The latest checkpoint already covers the tip; nothing new to sign.")
        return
    click.echo(
        f"Checkpoint {checkpoint.at.isoformat()}: {checkpoint.event_count} events, "
        f"tip {checkpoint.tip_hash}."
    )
