"""A PB ballot's votes by channel (web, table, paper), for its results page."""

from participa.aggregates import reads
from participa.aggregates.channels import CHANNELS, Breakdown, breakdown
from participa.eligibility.participants import Channel


def ballot_channels(ballot) -> Breakdown:
    """Per project of a PB ballot: how many ballots of each channel include it, and who took
    part through each channel (both from the maintained tallies)."""
    support = {channel: reads.ballot_support(ballot.id, channel=channel) for channel in CHANNELS}
    ballots = {channel: found.ballots for channel, found in support.items() if found.ballots}
    people: dict[Channel, int] = {}
    for (_colonia, channel), n in reads.ballot_people([ballot.id])[ballot.id].items():
        people[channel] = people.get(channel, 0) + n
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
    return breakdown(ballot.name, ballots, people, rows)
