"""Demo: last year's participatory budget, voted, counted, published and in execution.

So the council sees budget results on the first start. Everything goes through the real
services: people vote at an in-person table (tablet and paper, one paper spoiled), the votes
are counted by the counting code and stored as a count, the office saves the ballot's result
and publishes it, and the funded projects report their progress.
"""

import random
from datetime import date, timedelta

from participa.auth.models import Role, User
from participa.budgets import counts, outcomes, projects
from participa.budgets.models import BallotRule, ExecutionStatus, PbBallot, PbProject
from participa.budgets.models import ProjectStatus as Status
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.demo.people import make_curp
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus, ProcessType
from participa.tables import batches, services
from participa.tables.ballots import ballot_of
from participa.tables.lookup import look_up
from participa.territory.models import Colonia

AMOUNT = 6_000_000
# (title, category, cost in pesos, description, votes weight)
PROJECTS = [
    ("Alumbrado en la unidad deportiva", "Seguridad", 1_800_000, "Luminarias LED y cableado.", 9),
    (
        "Rampas y banquetas accesibles",
        "Movilidad",
        1_500_000,
        "En diez esquinas del centro.",
        8,
    ),
    ("Tinacos para la escuela de Agua Zarca", "Agua", 600_000, "Agua para 400 alumnos.", 6),
    ("Techado del tianguis", "Infraestructura", 2_500_000, "Techo y drenaje pluvial.", 4),
    ("Murales en el andador", "Cultura", 400_000, "Con artistas de la colonia.", 3),
]
# How the funded projects go, in order of votes: status, progress, note.
EXECUTION = [
    (ExecutionStatus.DONE, 100, "Terminado y entregado a la colonia."),
    (ExecutionStatus.IN_PROGRESS, 60, "Banquetas de cuatro esquinas listas."),
    (ExecutionStatus.IN_PROGRESS, 25, "Compra de tinacos adjudicada."),
]
TABLET_VOTES, PAPERS = 24, 6  # the last paper is spoiled


def finished_budget(staff: User, today: date) -> Process:
    """The 2026 budget: voting ended ten months ago, results published, works under way."""
    rng = random.Random(2026)
    voting_day = today - timedelta(days=300)
    process = _process(staff, today, voting_day)
    ballot = PbBallot(
        process_id=process.id, name="Todo el municipio", amount=AMOUNT, rule=BallotRule.APPROVAL
    )
    ballot.min_choices, ballot.max_choices = 1, 3
    ballot.projects = [
        PbProject(
            title=title,
            category=category,
            estimated_cost=cost,
            cost=cost,
            description=description,
            status=Status.FEASIBLE,
            review_reason="Viable: el área técnica validó el costo.",
        )
        for title, category, cost, description, _weight in PROJECTS
    ]
    db.session.add(ballot)
    db.session.commit()
    _vote_at_a_table(rng, staff, process, ballot, voting_day)
    _count_and_publish(staff, process, ballot)
    _execution(staff, ballot)
    return process


def _process(staff: User, today: date, voting_day: date) -> Process:
    process = Process(
        type=ProcessType.PRESUPUESTO,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title="Presupuesto participativo 2026",
        description=(
            f"Las y los vecinos decidieron en qué invertir {money(AMOUNT)} del presupuesto "
            "2026. Los proyectos ganadores ya están en obra: aquí se sigue su avance."
        ),
        min_age=15,
    )
    day = timedelta(days=1)
    process.phases = [
        Phase(name="Propuestas", starts_on=voting_day - 70 * day, ends_on=voting_day - 31 * day),
        Phase(name="Revisión técnica", starts_on=voting_day - 30 * day, ends_on=voting_day - day),
        Phase(name="Votación", starts_on=voting_day, ends_on=voting_day + 14 * day),
        Phase(
            name="Resultados y ejecución",
            starts_on=voting_day + 15 * day,
            ends_on=today + 120 * day,
            announces_results=True,
        ),
    ]
    db.session.add(process)
    db.session.flush()
    return process


def _choice(rng, ballot) -> dict[int, int]:
    """Up to three projects, the popular ones more often (an approval ballot)."""
    weights = {p.id: w for p, (*_, w) in zip(ballot.projects, PROJECTS, strict=True)}
    chosen = set()
    for _ in range(rng.randint(1, 3)):
        chosen.add(rng.choices(list(weights), list(weights.values()))[0])
    return dict.fromkeys(sorted(chosen), 1)


def _vote_at_a_table(rng, staff: User, process: Process, ballot: PbBallot, day: date) -> None:
    """Tablet votes and paper ballots at one table on the voting day, the papers typed twice."""
    admin = db.session.execute(db.select(User).where(User.role == Role.ADMIN)).scalars().first()
    colonias = list(db.session.execute(db.select(Colonia).order_by(Colonia.id)).scalars())
    data = services.TableData(
        name="Mesa 1 · Jardín principal",
        place="Portal del jardín",
        colonia_id=colonias[0].id,
        pb_ballot_id=ballot.id,
        staff_ids=(staff.id, admin.id),
    )
    table = services.save_table(staff, process, None, data)
    on_table = ballot_of(table, 0)
    for n in range(TABLET_VOTES + PAPERS):
        birth = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        curp = make_curp(rng, birth, rng.choice("HM"))
        voter = look_up(process, curp, rng.choice(colonias).id, day)
        if n < TABLET_VOTES:
            services.desk_vote(
                staff, table, voter, _choice(rng, ballot), now=utcnow(), today=day, max_text=0
            )
        else:
            services.hand_out_paper(staff, table, voter, now=utcnow(), today=day, max_text=0)
    services.save_received(staff, table, PAPERS)
    papers = [_choice(rng, ballot) for _ in range(PAPERS - 1)] + [None]  # None: spoiled
    batch = batches.new_batch(staff, table, PAPERS, utcnow())
    for typist in (staff, admin):
        batches.start_entry(typist, batch, utcnow())
        for position, content in enumerate(papers, 1):
            batches.save_paper(typist, on_table, batch, position, content)
        batches.finish_entry(typist, on_table, batch, utcnow())


def _count_and_publish(staff: User, process: Process, ballot: PbBallot) -> None:
    # Closed here rather than through change_status, whose hook would count in a background
    # job: the demo counts now, in this process, with the same code, and stores the count.
    process.status = ProcessStatus.CLOSED
    db.session.commit()
    counts.count_here(process.id, [ballot.id], utcnow())
    outcomes.save_outcome(staff, ballot, "greedy")
    change_status(staff, process, ProcessStatus.RESULTS_PUBLISHED)


def _execution(staff: User, ballot: PbBallot) -> None:
    funded = outcomes.ballot_result(ballot, utcnow()).funded_projects  # in funding order
    for project, (status, progress, note) in zip(funded, EXECUTION, strict=False):
        projects.update_execution(staff, project, projects.Execution(status, progress, note))
