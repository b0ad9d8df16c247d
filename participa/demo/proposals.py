"""Demo citizen initiative: proposals near their threshold, answered, converted, discussed."""

from datetime import timedelta

from participa.auth.models import Role, User
from participa.budgets.models import PbProject
from participa.comments.models import Comment, CommentThread
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Report
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import (
    Proposal,
    ProposalAnswer,
    ProposalSettings,
    ProposalStatus,
    Support,
)
from participa.territory.models import Colonia

INITIATIVE_TITLE = "Iniciativas ciudadanas 2027"
THRESHOLD = 10
SUPPORTERS = 9


def demo_residents() -> list[User]:
    """Residents of the demo who sign: the synthetic ones of the finished consultation."""
    query = (
        db.select(User)
        .where(User.role == Role.CITIZEN, User.email.like("vecino%@demo.participa.local"))
        .order_by(User.id)
        .limit(SUPPORTERS)
    )
    return list(db.session.execute(query).scalars())


def add_proposal(process, author, title, category, colonia, body, supporters=(), **fields):
    supporters = list({u.id: u for u in supporters}.values())  # one support per person
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        thread=CommentThread(),
        title=title,
        body=body,
        category=category,
        colonia_id=colonia.id,
        support_count=len(supporters),
        created_at=utcnow() - timedelta(days=len(title) % 9),
        **fields,
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add_all(Support(proposal_id=proposal.id, user_id=u.id) for u in supporters)
    return proposal


def initiative(staff, today) -> Process | None:
    """An open citizen initiative with four proposals in different stages."""
    db.session.flush()
    colonias = list(db.session.execute(db.select(Colonia).order_by(Colonia.id)).scalars())
    author = db.session.execute(db.select(User).where(User.role == Role.CITIZEN)).scalars().first()
    people = demo_residents()
    if len(people) < SUPPORTERS:  # a demo loaded without synthetic residents
        return None
    process = Process(
        type=ProcessType.INICIATIVA,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title=INITIATIVE_TITLE,
        description=(
            "Propón lo que necesita tu colonia. Las propuestas que reúnan "
            f"{THRESHOLD} firmas pasan a evaluación y reciben una respuesta oficial."
        ),
        phases=[
            Phase(
                name="Propuestas y firmas",
                starts_on=today - timedelta(days=10),
                ends_on=today + timedelta(days=50),
            )
        ],
    )
    db.session.add(process)
    db.session.flush()
    db.session.add(ProposalSettings(process_id=process.id, threshold_number=THRESHOLD))
    centro = colonias[0]
    add_proposal(
        process,
        author,
        "Semáforo frente a la Secundaria Técnica 12",
        "Seguridad",
        centro,
        "A la salida de clases los coches no se detienen.\n\n"
        "- Un **semáforo peatonal**\n- Balizamiento del cruce",
        supporters=people[:8],
        location="Hidalgo y Morelos",
    )
    rejected = add_proposal(
        process,
        people[0],
        "Recolección de basura también los domingos",
        "Servicios públicos",
        colonias[5],
        "Que el camión pase también los domingos en las colonias del norte.",
        supporters=people[1:4],
        status=ProposalStatus.REJECTED,
    )
    rejected.answers.append(
        ProposalAnswer(
            status=ProposalStatus.REJECTED,
            author_id=staff.id,
            text="Por ahora no es posible: el contrato de recolección cubre seis días. "
            "Se reforzará la ruta del sábado.",
        )
    )
    project = db.session.execute(db.select(PbProject).order_by(PbProject.id)).scalars().first()
    if project is not None:
        converted = add_proposal(
            process,
            people[1],
            project.title,
            "Medio ambiente",
            colonias[3],
            project.description or "Propuesta de vecinas y vecinos.",
            supporters=people[: THRESHOLD - 1] + [author],
            status=ProposalStatus.CONVERTED,
            pb_project_id=project.id,
        )
        converted.answers.append(
            ProposalAnswer(
                status=ProposalStatus.CONVERTED,
                author_id=staff.id,
                text="Aceptada e incluida como proyecto del presupuesto participativo 2027.",
            )
        )
    discussed = add_proposal(
        process,
        people[2],
        "Ciclovía por la avenida principal",
        "Movilidad",
        colonias[1],
        "Una ciclovía confinada de la estación al centro.",
        supporters=people[3:5],
    )
    first = Comment(thread_id=discussed.thread_id, author_id=author.id, body="¡Sí, por favor!")
    db.session.add(first)
    db.session.flush()
    reply = Comment(
        thread_id=discussed.thread_id,
        parent_id=first.id,
        author_id=people[2].id,
        body="Gracias. ¿Por qué calle la prefieres?",
    )
    spam = Comment(
        thread_id=discussed.thread_id,
        author_id=people[4].id,
        body="Esto es una pérdida de tiempo, COMPREN MI PRODUCTO en mi-tienda.example",
    )
    db.session.add_all([reply, spam])
    db.session.flush()
    db.session.add(Report(reporter_id=author.id, comment_id=spam.id, reason="Publicidad"))
    return process
