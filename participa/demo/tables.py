"""Demo: a table at the open budget's city-wide ballot, with tablet votes and paper ballots."""

import random
from datetime import date

from participa.auth.models import Role, User
from participa.budgets.ballot_rules import project_cost
from participa.budgets.ballots import ballots
from participa.core.timeutil import utcnow
from participa.demo.people import make_curp
from participa.extensions import db
from participa.processes.models import Process
from participa.tables import batches, services
from participa.tables.ballots import ballot_of
from participa.tables.lookup import look_up
from participa.territory.models import Colonia

MAX_TEXT = 2000


def _selection(rng, ballot) -> dict[int, int]:
    """Projects in a random order, each one that still fits the amount (a knapsack ballot)."""
    chosen, left = {}, ballot.ballot.amount
    for project in rng.sample(ballot.projects, len(ballot.projects)):
        if project_cost(project) <= left and len(chosen) < (ballot.ballot.max_choices or 99):
            chosen[project.id] = 1
            left -= project_cost(project)
    return chosen


def _walk_ins(rng, process, colonia, today: date, n: int):
    """People without an account, looked up by CURP as at the table."""
    people = []
    for _ in range(n):
        birth = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        people.append(look_up(process, make_curp(rng, birth, rng.choice("HM")), colonia.id, today))
    return people


def demo_table(process: Process, today: date) -> None:
    """One table at the city-wide ballot: 6 tablet votes, 5 papers in one agreed batch."""
    rng = random.Random(6)
    staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalars().first()
    admin = db.session.execute(db.select(User).where(User.role == Role.ADMIN)).scalars().first()
    colonia = db.session.execute(db.select(Colonia).where(Colonia.name == "San Juan")).scalar_one()
    city_wide = next(b for b in ballots(process) if not b.is_zone)
    data = services.TableData(
        name="Mesa 1 · Plaza de San Juan",
        place="Kiosco de la plaza principal",
        colonia_id=colonia.id,
        pb_ballot_id=city_wide.id,
        staff_ids=(staff.id, admin.id),
    )
    table = services.save_table(staff, process, None, data)
    ballot = ballot_of(table, MAX_TEXT)
    for voter in _walk_ins(rng, process, colonia, today, 6):
        services.desk_vote(
            staff, table, voter, _selection(rng, ballot), now=utcnow(), today=today, max_text=0
        )
    for voter in _walk_ins(rng, process, colonia, today, 5):
        services.hand_out_paper(staff, table, voter, now=utcnow(), today=today, max_text=0)
    services.save_received(staff, table, 5)
    papers = [_selection(rng, ballot) for _ in range(4)] + [None]  # one spoiled
    batch = batches.new_batch(staff, table, len(papers), utcnow())
    for typist in (staff, admin):
        batches.start_entry(typist, batch, utcnow())
        for n, content in enumerate(papers, 1):
            batches.save_paper(typist, ballot, batch, n, content)
        batches.finish_entry(typist, ballot, batch, utcnow())
