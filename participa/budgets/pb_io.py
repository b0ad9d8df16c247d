"""Pabulib files in and out: import an election as a closed PB process; export a ballot.

An import makes one closed process with one ballot whose projects are all feasible, and
stores every vote like a vote cast here: a participation row ("pabulib:<file>:<voter>", no
person) and, apart, the secret vote with a random id and receipt hash. Projects are stored
in the order of their Pabulib ids, so the database ids break ties as the file's ids would.
Amounts must be whole pesos: rounding a cost could change which projects fit.
"""

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from participa.aggregates.paper import add_paper_votes
from participa.aggregates.reads import ballot_support
from participa.audit.services import record
from participa.budgets.counting import (
    KINDS,
    MANUAL,
    counted_projects,
    election_for,
    stored_ballots,
    support_for,
)
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    MesCompletion,
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.budgets.outcomes import winners_of
from participa.core.errors import DomainError
from participa.core.timeutil import to_hour
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.tally import pb
from participa.tally.pabulib import format_amount, stream_pabulib

RULES = {
    pb.BallotKind.APPROVAL: BallotRule.APPROVAL,
    pb.BallotKind.CUMULATIVE: BallotRule.CUMULATIVE,
    pb.BallotKind.ORDINAL: BallotRule.RANKING,
}
VOTE_TYPES = {
    BallotRule.APPROVAL: "approval",
    BallotRule.KNAPSACK: "knapsack",
    BallotRule.CUMULATIVE: "cumulative",
    BallotRule.RANKING: "ordinal",
}
GREEDY_META = {
    GreedyVariant.PLAIN: "greedy",
    GreedyVariant.THRESHOLD: "greedy-threshold",
    GreedyVariant.NO_SKIP: "greedy-no-skip",
}
MES_META = {
    MesCompletion.NONE: "equalshares",
    MesCompletion.ADD1: "equalshares/add1",
    MesCompletion.ADD1U: "equalshares/add1u",
}
# Pabulib's comment key takes numbered remarks ("#1: ...").
MANUAL_COMMENT = (
    "#1: The selected projects were chosen by the office's decision, not by a counting rule; "
    "its justification is published with the results."
)
KEY_LENGTH = 80  # PbParticipation.voter_key


@dataclass(frozen=True)
class Imported:
    process: Process
    ballot: PbBallot
    project_ids: dict[str, int]  # Pabulib project_id -> database id
    voters: int


def _whole(value, message) -> int:
    if Fraction(value).denominator != 1:
        raise DomainError(message)
    return int(value)


def _decimal(value) -> str:
    try:
        return format_amount(value)
    except ValueError:  # no finite decimal form
        return str(value)


def _meta_int(meta, name: str) -> int | None:
    try:
        return int(Fraction(meta.get(name) or ""))
    except (ValueError, ZeroDivisionError):
        return None


def _check(election: pb.Election) -> None:
    budget = _whole(
        election.budget,
        _l(
            "The budget must be a whole number of pesos; the file says %(b)s.",
            b=_decimal(election.budget),
        ),
    )
    if budget <= 0:
        raise DomainError(_l("The budget must be more than zero."))
    for project in election.projects:
        cost = _whole(
            project.cost,
            _l(
                "Project %(id)s costs %(cost)s: costs must be whole numbers of pesos.",
                id=project.id,
                cost=_decimal(project.cost),
            ),
        )
        if cost <= 0:
            raise DomainError(_l("Project %(id)s must cost more than zero.", id=project.id))
    for ballot in election.ballots:
        for points in ballot.points or ():
            _whole(points, _l("Voter %(id)s gives fractional points.", id=ballot.voter_id))


def _ballot(election: pb.Election, name: str) -> PbBallot:
    """A ballot with the file's rules: vote type, lengths, points and counting rule."""
    meta, size = election.meta, len(election.projects)
    vote_type = meta.get("vote_type", "").strip().lower()
    rule = BallotRule.KNAPSACK if vote_type == "knapsack" else RULES[election.kind]
    longest = max((len(b.projects) for b in election.ballots), default=1)
    max_choices = _meta_int(meta, "max_length") or max(size, 1)
    points = None
    if rule is BallotRule.CUMULATIVE:
        spent = max((sum(b.points or ()) for b in election.ballots), default=1)
        points = _meta_int(meta, "max_sum_points") or max(int(spent), 1)
    ballot = PbBallot(
        name=name[:160],
        amount=int(election.budget),
        rule=rule,
        min_choices=min(max(_meta_int(meta, "min_length") or 0, 0), max_choices),
        max_choices=None if rule is BallotRule.KNAPSACK else max(max_choices, longest, 1),
        points=points,
    )
    _counting(ballot, meta.get("rule", "").strip().lower())
    return ballot


def _counting(ballot: PbBallot, meta_rule: str) -> None:
    """Set the counting rule named by META rule; greedy when unknown or not applicable."""
    if meta_rule.startswith("equalshares") and ballot.rule is not BallotRule.RANKING:
        ballot.counting_rule = CountingRule.MES
        ballot.mes_completion = MesCompletion.ADD1U if "add1u" in meta_rule else MesCompletion.ADD1
        return
    ballot.counting_rule = CountingRule.GREEDY
    variants = {v: k for k, v in GREEDY_META.items()}
    ballot.greedy_variant = variants.get(meta_rule, GreedyVariant.PLAIN)


def _project(ballot_id: int, project: pb.Project, now) -> PbProject:
    extra = project.extra
    return PbProject(
        ballot_id=ballot_id,
        title=(project.name or gettext("Project %(id)s", id=project.id))[:200],
        description="\n\n".join(
            filter(None, [extra.get("description"), f"Pabulib project_id: {project.id}"])
        ),
        category=(extra.get("category") or "")[:80],
        latitude=_float(extra.get("latitude")),
        longitude=_float(extra.get("longitude")),
        estimated_cost=int(project.cost),
        cost=int(project.cost),
        status=ProjectStatus.FEASIBLE,
        created_at=now,
        reviewed_at=now,
    )


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _voter_key(stem: str, voter_id: str) -> str:
    key = f"pabulib:{stem}:{voter_id}"
    if len(key) > KEY_LENGTH:
        key = "pabulib:" + hashlib.sha256(key.encode()).hexdigest()[:48]
    return key


def _store_votes(election, ballot: PbBallot, ids: dict[str, int], stem: str, now) -> None:
    """Insert participations, then the votes, in three bulk statements.

    Votes and items go in the order of their random ids (the order of the WITHOUT ROWID
    tables): a random order of the voters, and twice as fast as unsorted inserts.
    """
    keys = [_voter_key(stem, b.voter_id or str(n)) for n, b in enumerate(election.ballots, 1)]
    hour = to_hour(now)  # the precision of every "who took part" time, as on the other paths
    if len(set(keys)) != len(keys):
        raise DomainError(_l("The file names the same voter twice."))
    db.session.execute(
        PbParticipation.__table__.insert(),
        [
            {"ballot_id": ballot.id, "voter_key": k, "channel": Channel.PAPER, "created_at": hour}
            for k in keys
        ],
    )
    votes = sorted(((secrets.token_hex(16), v) for v in election.ballots), key=lambda p: p[0])
    items = []
    for vote_id, vote in votes:
        for position, project_id in enumerate(vote.projects):
            weight = _weight(ballot.rule, vote, position)
            items.append({"vote_id": vote_id, "project_id": ids[project_id], "weight": weight})
    items.sort(key=lambda item: (item["vote_id"], item["project_id"]))
    db.session.execute(
        PbVote.__table__.insert(),
        [
            {
                "id": vote_id,
                "ballot_id": ballot.id,
                "receipt_hash": _receipt_hash(),
            }
            for vote_id, _vote in votes
        ],
    )
    if items:
        db.session.execute(PbVoteItem.__table__.insert(), items)
    # Imported votes were cast on paper (their participations say so): count them apart too.
    add_paper_votes(ballot.id, [[ids[p] for p in vote.projects] for _id, vote in votes])


def _receipt_hash() -> str:
    """A receipt hash nobody holds the code of: imported votes come with no receipt."""
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()


def _weight(rule: BallotRule, vote: pb.Ballot, position: int) -> int:
    if rule is BallotRule.CUMULATIVE:
        return int(vote.points[position])
    return position + 1 if rule is BallotRule.RANKING else 1


def import_election(
    actor, election: pb.Election, *, stem: str, now, title: str | None = None
) -> Imported:
    """Create a closed PB process with one ballot, its projects and its votes."""
    _check(election)
    meta = election.meta
    place = meta.get("subunit") or meta.get("unit") or ""
    name = " ".join(filter(None, [place, meta.get("instance")])) or stem
    about = gettext("Imported from the Pabulib file %(file)s.", file=f"{stem}.pb")
    process = Process(
        type=ProcessType.PRESUPUESTO,
        status=ProcessStatus.CLOSED,
        title=((title or "").strip() or meta.get("description") or name)[:200],
        description="\n\n".join(filter(None, [meta.get("description"), about])),
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
    )
    db.session.add(process)
    db.session.flush()
    ballot = _ballot(election, name)
    ballot.process_id = process.id
    db.session.add(ballot)
    db.session.flush()
    ordered = sorted(election.projects, key=lambda p: pb.project_key(p.id))
    projects = [_project(ballot.id, p, now) for p in ordered]
    db.session.add_all(projects)
    db.session.flush()
    ids = {p.id: row.id for p, row in zip(ordered, projects, strict=True)}
    _store_votes(election, ballot, ids, stem, now)
    voters = len(election.ballots)
    record(actor, "pb.import", process, file=f"{stem}.pb", projects=len(ids), voters=voters)
    db.session.commit()
    return Imported(process, ballot, ids, voters)


def _counting_meta(ballot: PbBallot) -> dict[str, str]:
    """META rule: how `selected` was decided (the saved result), else how the ballot counts.

    A manual decision says so: the Pabulib checker verifies `selected` against greedy when
    the rule is greedy, and takes any other rule name as one it cannot check.
    """
    decided = ballot.outcome.rule if ballot.outcome is not None else ballot.counting_rule.value
    if decided == MANUAL:
        return {"rule": "manual", "comment": MANUAL_COMMENT}
    if decided == CountingRule.MES.value:
        return {"rule": MES_META[ballot.mes_completion]}
    meta = {"rule": GREEDY_META[ballot.greedy_variant]}
    if ballot.greedy_variant is GreedyVariant.THRESHOLD:
        meta["min_project_score_threshold"] = str(ballot.greedy_threshold)
    return meta


def export_pb(ballot: PbBallot) -> str:
    """The ballot as one .pb text (see export_pb_lines)."""
    return "".join(export_pb_lines(ballot))


def _project_support(ballot: PbBallot, projects) -> pb.Support:
    counted = support_for(ballot, projects)
    if counted is None:  # the aggregates cannot say; count every vote
        return pb.support(election_for(ballot))
    return counted[0]


def export_pb_lines(ballot: PbBallot) -> Iterator[str]:
    """The ballot as a .pb file, in pieces: its feasible projects and every vote, numbered 1..n.

    Everything but the votes is read now (a streamed body may outlive the request's
    session); the votes are then read in batches and written as they come, so memory stays
    flat however many there are. Voters are numbered in the order of the votes' random ids,
    so the numbers say nothing about who voted or when.
    """
    head, total = _export_head(ballot)
    known = {int(project.id) for project in head.projects}
    return stream_pabulib(head, total, stored_ballots(ballot.id, ballot.rule, known))


def _export_head(ballot: PbBallot) -> tuple[pb.Election, int]:
    """META and PROJECTS of the ballot (votes and scores from the aggregates), and its votes."""
    process = ballot.process
    counted = counted_projects(ballot)
    rows = {p.id: p for p in ballot.projects}
    selected = None
    if ballot.outcome is not None:
        selected = {str(w) for w in winners_of(ballot.outcome)}
    counts = _project_support(ballot, counted)
    meta = {
        "description": (process.description.split("\n")[0] or process.title)[:300],
        "country": "Mexico",
        "unit": process.title,
        "instance": ballot.name,
        "budget": str(ballot.amount),
        "vote_type": VOTE_TYPES[ballot.rule],
        **_counting_meta(ballot),
        "currency": "MXN",
        "language": "es",
    }
    if ballot.rule is BallotRule.CUMULATIVE and ballot.points:
        meta["max_sum_points"] = str(ballot.points)
    if ballot.rule in (BallotRule.APPROVAL, BallotRule.RANKING) and ballot.max_choices:
        meta["max_length"] = str(ballot.max_choices)
    projects = []
    for project, score, votes in zip(counted, counts.score, counts.votes, strict=True):
        extra = {"category": rows[project.id].category, "votes": str(votes), "score": str(score)}
        if selected is not None:
            extra["selected"] = "1" if str(project.id) in selected else "0"
        projects.append(pb.Project(str(project.id), project.cost, project.title, extra))
    head = pb.Election(ballot.amount, KINDS[ballot.rule], tuple(projects), (), meta)
    return head, ballot_support(ballot.id).ballots
