"""A PB ballot's votes by channel (web, table, paper), for its results page."""

from sqlalchemy import func

from participa.aggregates import reads
from participa.aggregates.channels import CHANNELS, Breakdown, breakdown, by_channel
from participa.budgets.models import PbParticipation
from participa.extensions import db


def ballot_channels(ballot) -> Breakdown:
    """Per project of a PB ballot: how many ballots of each channel include it (aggregates)."""
    support = {channel: reads.ballot_support(ballot.id, channel=channel) for channel in CHANNELS}
    ballots = {channel: found.ballots for channel, found in support.items() if found.ballots}
    people = dict(
        db.session.execute(
            db.select(PbParticipation.channel, func.count())
            .where(PbParticipation.ballot_id == ballot.id)
            .group_by(PbParticipation.channel)
        ).all()
    )
    rows = [
        (
            p.title,
            {
                c: found.projects[p.id].votes
                for c, found in support.items()
                if p.id in found.projects
            },
        )
        for p in sorted(ballot.projects, key=lambda p: p.id)
        if p.status.value == "feasible"
    ]
    return breakdown(ballot.name, ballots, by_channel(people), rows)
