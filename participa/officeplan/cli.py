"""`flask guides-seed`: the first public pages on rights and mechanisms, once."""

import click

from participa.core.timeutil import utcnow
from participa.officeplan.guides import seed_defaults


@click.command("guides-seed")
def guides_seed() -> None:
    """Create the rights page and one page per mechanism, where they do not exist yet."""
    made = seed_defaults(utcnow())
    click.echo(f"{made} guide pages created.")
