"""Command-line tools: `flask seed-demo`, `audit-verify`, `audit-checkpoint`, `create-admin`,
`backup`, `restore`, `rotate-keys`, `ballots-mix`, `aggregates-recompute`, `aggregates-fold`,
`notifications-send-reminders`, `notifications-digest`, `guides-seed`."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import get_timezone

from participa.aggregates.cli import aggregates_fold, aggregates_recompute
from participa.audit.cli import audit_checkpoint, audit_verify
from participa.audit.services import record
from participa.auth import totp
from participa.auth.cli import rotate_keys
from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.budgets.cli import pb_count, pb_import
from participa.core.backup import backup, restore
from participa.core.timeutil import local_today
from participa.counting_cli import pb_results
from participa.demo.seed import seed
from participa.extensions import db
from participa.officeplan.cli import guides_seed
from participa.processes.models import Process
from participa.residents.cli import digest, send_reminders
from participa.results.mixing import mix_process, mixable_processes


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
@click.option("--responses", default=3000, show_default=True, help="Synthetic answers to load.")
def seed_demo(if_empty: bool, responses: int) -> None:
    """Load the demo municipality, accounts and consultations."""
    if db.session.execute(db.select(User.id).limit(1)).first():
        if if_empty:
            click.echo("The database already has data; the demo was not loaded.")
            return
        raise click.ClickException("The database is not empty; the demo needs an empty one.")
    with current_app.test_request_context():
        today = local_today(get_timezone())
    accounts = seed(today, responses, current_app.config["PASSWORD_HASH_METHOD"])
    lines = [f"  {a.role.value:<8} {a.email:<28} {a.password}" for a in accounts]
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)  # none yet on PostgreSQL
    path = f"{current_app.instance_path}/demo-accounts.txt"
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    click.echo("Demo loaded. Accounts (role, e-mail, password), also in " + path + ":")
    click.echo("\n".join(lines))
    if roles := totp.required_roles(current_app.config["REQUIRE_TOTP_ROLES"]):
        click.echo(
            f"Accounts of {', '.join(sorted(roles))} set up two-step login at their first "
            "log-in (/cuenta/dos-pasos, with any authenticator app); residents log in at once."
        )


@click.command("create-admin")
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_admin(name: str, email: str, password: str) -> None:
    """Create an administrator account (for a real installation, instead of the demo)."""
    user = create_account(
        name=name,
        email=email,
        password=password,
        role=Role.ADMIN,
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    db.session.flush()
    record(None, "user.create", user, role=Role.ADMIN, via="cli")
    db.session.commit()
    click.echo(f"Administrator {email} created.")
    if Role.ADMIN in totp.required_roles(current_app.config["REQUIRE_TOTP_ROLES"]):
        click.echo(
            "At the first login the account must set up two-step login (TOTP) with an "
            "authenticator app at /cuenta/dos-pasos before any /admin page works."
        )


@click.command("ballots-mix")
@click.option(
    "--process", "process_id", type=int, help="Only this process (default: every open one)."
)
def ballots_mix(process_id: int | None) -> None:
    """Rewrite the secret ballots in random order (run it every few minutes while voting)."""
    if process_id is None:
        processes = mixable_processes()
    elif (process := db.session.get(Process, process_id)) is None:
        raise click.ClickException(f"There is no process {process_id}.")
    else:
        processes = [process]
    for process in processes:
        mixed = mix_process(process)
        record(None, "ballots.mix", process, ballots=mixed, via="cli")
        db.session.commit()  # one transaction per process: a vote waits at most one mix
        click.echo(f"Process {process.id}: {mixed} ballots rewritten in random order.")
    if not processes:
        click.echo("No open process has ballots to mix.")


def init_app(app: Flask) -> None:
    commands = (
        seed_demo,
        audit_verify,
        audit_checkpoint,
        create_admin,
        pb_results,
        pb_import,
        pb_count,
        backup,
        restore,
        rotate_keys,
        guides_seed,
    )
    notices = (send_reminders, digest)
    for command in (*commands, ballots_mix, aggregates_recompute, aggregates_fold, *notices):
        app.cli.add_command(command)
