"""Command-line tools: `flask seed-demo`, `audit-verify`, `audit-checkpoint`, `create-admin`,
`backup`, `restore`, `rotate-keys`, `ballots-mix`, `aggregates-recompute`, `aggregates-fold`,
`notifications-send-reminders`, `notifications-digest`, `guides-seed`, `jobs-mode`, `worker`.

Every command runs the jobs it submits before it returns when there is no queue
(`jobs.run_here`): the embedded fallback's threads would die with the command."""

import functools
import threading
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
from participa.core import jobclock, jobqueue, jobs
from participa.core.backup import backup, restore
from participa.core.timeutil import local_today, utcnow
from participa.counting_cli import pb_results
from participa.demo.seed import seed
from participa.extensions import db
from participa.officeplan.cli import guides_seed
from participa.processes.models import Process
from participa.residents.cli import digest, send_reminders
from participa.results.mixing import mix_and_record, mix_open
from participa.search.cli import search_reindex


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
    """Rewrite the secret ballots in random order (the worker does it while voting is open)."""
    if process_id is None:
        mixed = mix_open("cli")
    elif (process := db.session.get(Process, process_id)) is None:
        raise click.ClickException(f"There is no process {process_id}.")
    else:
        mixed = [(process.id, mix_and_record(process, "cli"))]
    for mixed_id, count in mixed:
        click.echo(f"Process {mixed_id}: {count} ballots rewritten in random order.")
    if not mixed:
        click.echo("No open process has ballots to mix.")


@click.command("jobs-mode")
def jobs_mode() -> None:
    """Print where background jobs run: rq (a `flask worker` is needed), thread or inline."""
    click.echo(jobs.mode(current_app))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (tests, one-off runs).")
def worker(burst: bool) -> None:
    """Run the background jobs queued on Redis (REDIS_URL), and the periodic ones."""
    app = current_app._get_current_object()
    if jobs.mode(app) != "rq":
        raise click.ClickException(
            "No Redis queue is configured (REDIS_URL): background jobs run inside the web "
            "server's process instead (the embedded fallback), no worker is needed."
        )
    jobclock.tick(utcnow())  # at once: periodic jobs due, jobs whose worker stopped
    stop = threading.Event()
    clock = threading.Thread(
        target=jobclock.clock, args=(app, stop), name="jobs-clock", daemon=True
    )
    clock.start()
    try:
        jobqueue.worker(app).work(burst=burst, with_scheduler=not burst, logging_level="INFO")
    finally:
        stop.set()


def jobs_run_here(command: click.Command) -> click.Command:
    """The command runs the jobs it submits before it returns, when there is no queue."""
    callback = command.callback
    if callback is None or getattr(callback, "jobs_run_here", False):
        return command

    @functools.wraps(callback)
    def run(*args, **kwargs):
        with jobs.run_here():
            return callback(*args, **kwargs)

    run.jobs_run_here = True
    command.callback = run
    return command


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
    for command in (
        *commands,
        ballots_mix,
        aggregates_recompute,
        aggregates_fold,
        search_reindex,
        *notices,
        worker,
    ):
        app.cli.add_command(jobs_run_here(command))
    app.cli.add_command(jobs_mode)  # the mode as configured, not as run_here() makes it
