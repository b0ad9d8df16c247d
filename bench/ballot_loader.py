"""A small bulk loader for the benches: N synthetic consultation responses or PB votes.

Rows go straight in with Core executemany in chunks (no accounts, no ORM objects), written
as a vote would write them: a participation, and apart the ballot content with a random id,
unfolded. Used by bench/results_latency.py and bench/export_memory.py.
"""

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from participa.budgets.models import (
    BallotRule,
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.consultations.models import Answer, Participation, Response
from participa.consultations.questionnaire import questions
from participa.demo.consultations import _random_answers
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia

CHUNK = 20_000
BANDS = ("18-29", "30-44", "45-59", "60+")
START = datetime(2026, 9, 1, 14, tzinfo=UTC)


def _participation(rng, key: str, colonias: list[int], n: int) -> dict:
    return {
        "voter_key": key,
        "channel": rng.choice(("web", "web", "web", "desk", "paper")),
        "created_at": START + timedelta(minutes=n * 30 // 1000, seconds=rng.randint(0, 59)),
        "colonia_id": rng.choice(colonias),
        "age_band": rng.choice(BANDS),
        "sex": rng.choice("MH"),
    }


def load_responses(process: Process, count: int, seed: int = 8) -> None:
    """Insert `count` responses (and participations) into a consultation, chunk by chunk."""
    rng = random.Random(seed)
    found = questions(process)
    colonias = list(db.session.execute(db.select(Colonia.id)).scalars())
    for first in range(0, count, CHUNK):
        people, ballots, answers = [], [], []
        for n in range(first, min(first + CHUNK, count)):
            row = _participation(rng, f"bench:{process.id}:{n}", colonias, n)
            people.append({**row, "process_id": process.id})
            rid = secrets.token_hex(16)
            ballots.append(
                {
                    "id": rid,
                    "process_id": process.id,
                    "receipt_hash": secrets.token_hex(32),
                }
            )
            answers += _random_answers(rng, rid, found)
        db.session.execute(insert(Participation), people)
        db.session.execute(insert(Response), sorted(ballots, key=lambda b: b["id"]))
        db.session.execute(insert(Answer), sorted(answers, key=lambda a: a["response_id"]))
        db.session.commit()


def pb_ballot(projects: int = 20, rule: BallotRule = BallotRule.APPROVAL) -> PbBallot:
    """A closed PB process with one ballot of `projects` feasible projects."""
    process = Process(
        type=ProcessType.PRESUPUESTO, status=ProcessStatus.CLOSED, title="Presupuesto (bench)"
    )
    db.session.add(process)
    db.session.flush()
    ballot = PbBallot(
        process_id=process.id, name="Municipio", amount=10_000_000, rule=rule, max_choices=5
    )
    db.session.add(ballot)
    db.session.flush()
    for i in range(projects):
        cost = 200_000 + 50_000 * (i % 9)
        db.session.add(
            PbProject(
                ballot_id=ballot.id,
                title=f"Proyecto {i}",
                estimated_cost=cost,
                cost=cost,
                status=ProjectStatus.FEASIBLE,
            )
        )
    db.session.commit()
    return ballot


def load_votes(ballot: PbBallot, count: int, seed: int = 8) -> None:
    """Insert `count` approval votes (1-5 projects each) into a PB ballot."""
    rng = random.Random(seed)
    ids = [p.id for p in ballot.projects]
    colonias = list(db.session.execute(db.select(Colonia.id)).scalars())
    for first in range(0, count, CHUNK):
        people, votes, items = [], [], []
        for n in range(first, min(first + CHUNK, count)):
            row = _participation(rng, f"bench:pb{ballot.id}:{n}", colonias, n)
            people.append({**row, "ballot_id": ballot.id})
            vid = secrets.token_hex(16)
            votes.append(
                {
                    "id": vid,
                    "ballot_id": ballot.id,
                    "receipt_hash": secrets.token_hex(32),
                }
            )
            chosen = rng.sample(ids, rng.randint(1, 5))
            items += [{"vote_id": vid, "project_id": pid, "weight": 1} for pid in chosen]
        db.session.execute(insert(PbParticipation), people)
        db.session.execute(insert(PbVote), sorted(votes, key=lambda v: v["id"]))
        items.sort(key=lambda i: (i["vote_id"], i["project_id"]))
        db.session.execute(insert(PbVoteItem), items)
        db.session.commit()
