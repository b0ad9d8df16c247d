"""Search tests read pages in English (their msgids); a small world of every searchable kind."""

from datetime import timedelta

import pytest

from participa.budgets.models import PbBallot, PbProject
from participa.core.timeutil import utcnow
from participa.events.models import Event
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.works.models import (
    PrioritisationRound,
    RoundCandidate,
    RoundStatus,
    Work,
    WorkStatus,
)
from tests.proposals.helpers import Kit


@pytest.fixture(autouse=True)
def english_messages(app, tmp_path):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.instance_path = str(tmp_path / "instance")


class World:
    """Rows of every kind, public or not, made directly (the services are tested elsewhere)."""

    def __init__(self, make):
        self.make = make
        self.kit = Kit(make)

    def initiative(self, status=ProcessStatus.OPEN, title="Iniciativas 2027"):
        process = self.kit.initiative(status)
        process.title = title
        db.session.commit()
        return process

    def proposal(self, process, **fields):
        return self.kit.proposal(process, **fields)

    def project(self, title, status=ProcessStatus.OPEN, **fields):
        process = self.make.process(status, type=ProcessType.PRESUPUESTO, title="Presupuesto")
        ballot = PbBallot(process_id=process.id, name="Boleta", amount=1_000_000)
        db.session.add(ballot)
        db.session.flush()
        project = PbProject(ballot_id=ballot.id, title=title, estimated_cost=1000, **fields)
        db.session.add(project)
        db.session.commit()
        return project

    def event(self, title, status=ProcessStatus.PUBLISHED, **fields):
        process = self.make.process(status, type=ProcessType.ASAMBLEA, title="Asambleas")
        starts = utcnow().replace(microsecond=0) + timedelta(days=3)
        event = Event(
            process_id=process.id,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            **fields,
        )
        db.session.add(event)
        db.session.commit()
        return event

    def work(self, title, approved=True, status=WorkStatus.PRIORITY, **fields):
        work = Work(title=title, estimated_cost=1000, status=status, **fields)
        db.session.add(work)
        db.session.flush()
        round_status = RoundStatus.APPROVED if approved else RoundStatus.CLOSED
        round_ = PrioritisationRound(period="2027", status=round_status)
        db.session.add(round_)
        db.session.flush()
        db.session.add(RoundCandidate(round_id=round_.id, work_id=work.id, approved_rank=1))
        db.session.commit()
        return work


@pytest.fixture
def world(make) -> World:
    return World(make)
