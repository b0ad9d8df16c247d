"""A PB ballot's votes by channel (electronic or paper), for its results page."""

from participa.aggregates import reads
from participa.aggregates.channels import Breakdown, breakdown
from participa.aggregates.paper import paper_votes
from participa.eligibility.participants import Channel


def ballot_channels(ballot) -> Breakdown:
    """Per project of a PB ballot: how many ballots include it, electronic and paper, and who
    took part through each channel (all from the maintained tallies)."""
    support, paper = reads.ballot_support(ballot.id), paper_votes(ballot.id)
    people: dict[Channel, int] = {}
    for (_colonia, channel), n in reads.ballot_people([ballot.id])[ballot.id].items():
        people[channel] = people.get(channel, 0) + n
    rows = [
        (
            p.title,
            support.projects[p.id].votes if p.id in support.projects else 0,
            paper.counts.get(p.id, 0),
        )
        for p in sorted(ballot.projects, key=lambda p: p.id)
        if p.status.value == "feasible"
    ]
    return breakdown(ballot.name, (support.ballots, paper.ballots), people, rows)
