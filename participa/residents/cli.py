"""`flask notifications-send-reminders` and `flask notifications-digest`: run them from cron
(or the job queue's schedule); both are idempotent, so running them again sends nothing twice."""

import click

from participa.core.timeutil import utcnow
from participa.notifications.delivery import send_digests
from participa.residents.reminders import send_event_reminders


@click.command("notifications-send-reminders")
def send_reminders() -> None:
    """Remind people registered to tomorrow's events (once per registration)."""
    click.echo(f"Event reminders sent: {send_event_reminders(utcnow())}.")


@click.command("notifications-digest")
def digest() -> None:
    """Send today's digest e-mail to each person who chose it (once per notice)."""
    click.echo(f"Digest e-mails sent: {send_digests(utcnow())}.")
