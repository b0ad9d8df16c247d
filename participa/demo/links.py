"""Demo of the links between mechanisms: a proposal that became a council work, and a public
debate whose event takes comments with positions (in favour, against, neutral)."""

from datetime import UTC, date, datetime, time, timedelta

from participa.comments.models import Comment, CommentThread, Position
from participa.demo.proposals import INITIATIVE_TITLE, add_proposal, demo_residents
from participa.events.models import Event
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import ProposalAnswer, ProposalStatus
from participa.territory.models import Colonia
from participa.works.models import Funding, Work, WorkKind, WorkOrigin

DEBATE_TITLE = "Foro: ¿peatonalizar el andador del centro?"
COMMENTS = [  # (text, position, reply to the comment at this index or None)
    ("Sí: los fines de semana el andador se llena de familias.", Position.FAVOR, None),
    ("En contra: los comercios necesitan que entren los proveedores.", Position.AGAINST, None),
    ("Se puede dejar entrar a proveedores antes de las 10:00.", Position.NEUTRAL, 1),
    ("A favor, con bancas y sombra.", Position.FAVOR, None),
]


def _work_from_proposal(staff, people, now: datetime) -> None:
    process = db.session.execute(
        db.select(Process).where(Process.title == INITIATIVE_TITLE)
    ).scalar()
    colonia = db.session.execute(db.select(Colonia).order_by(Colonia.id)).scalars().first()
    if process is None or colonia is None:
        return
    proposal = add_proposal(
        process,
        people[3],
        "Alumbrado en el andador del parque",
        "Obras",
        colonia,
        "El andador del parque está oscuro de noche; pedimos **luminarias LED**.",
        supporters=people[:5],
        status=ProposalStatus.CONVERTED,
    )
    proposal.answers.append(
        ProposalAnswer(
            status=ProposalStatus.CONVERTED,
            author_id=staff.id,
            text="Aceptada: pasa al consejo como obra candidata para priorizar.",
        )
    )
    db.session.add(
        Work(
            title=proposal.title,
            description=proposal.body,
            kind=WorkKind.WORK,
            colonia_id=colonia.id,
            estimated_cost=380_000,
            beneficiaries=1_200,
            directorate="Alumbrado Público",
            funding=Funding.MUNICIPAL,
            created_by_id=staff.id,
            created_at=now,
            source_kind=WorkOrigin.PROPOSAL,
            source_proposal_id=proposal.id,
        )
    )


def _debate(staff, people, today: date) -> None:
    process = Process(
        type=ProcessType.DEBATE,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title=DEBATE_TITLE,
        description="Un foro para opinar antes de decidir. Deja tu comentario y tu postura.",
        phases=[Phase(name="Foro", starts_on=today, ends_on=today + timedelta(20))],
    )
    db.session.add(process)
    db.session.flush()
    starts = datetime.combine(today + timedelta(12), time(23), tzinfo=UTC)  # 17:00 local
    thread = CommentThread(allows_positions=True)
    event = Event(
        process_id=process.id,
        title="Foro público en la plaza principal",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Plaza principal, frente a la Presidencia Municipal",
        questions_allowed=False,
        thread=thread,
    )
    db.session.add(event)
    db.session.flush()
    made = []
    for index, (text, position, parent) in enumerate(COMMENTS):
        comment = Comment(
            thread_id=thread.id,
            author_id=people[index].id,
            body=text,
            position=position,
            parent_id=made[parent].id if parent is not None else None,
        )
        db.session.add(comment)
        db.session.flush()
        made.append(comment)


def demo_links(staff, today: date) -> None:
    """Small and quick; skipped when the demo has no synthetic residents."""
    people = demo_residents()
    if len(people) < len(COMMENTS) + 1:
        return
    _work_from_proposal(staff, people, datetime.combine(today, time(17), tzinfo=UTC))
    _debate(staff, people, today)
