"""Mis participaciones lists what a resident took part in, and never what they chose."""

from datetime import timedelta

from participa.budgets.models import PbBallot, PbParticipation
from participa.collaboration.models import Pledge, PledgeKind
from participa.comments import services as comments
from participa.consultations import answering
from participa.consultations.models import Participation, QuestionKind
from participa.core.timeutil import utcnow
from participa.events import registration
from participa.events.models import Event
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals import supports
from participa.residents import participations
from tests.factories import login, municipal_today
from tests.proposals.helpers import TODAY
from tests.statements import recorded


def test_the_page_lists_participation_without_any_choice(kit, make, client):
    resident = kit.resident()
    consultation = make.process(ProcessStatus.OPEN, title="Consulta del parque")
    question = make.question(consultation, QuestionKind.SINGLE, ["Columpios-X", "Fuente-Y"])
    answering.submit_response(
        consultation,
        resident,
        {question.id: question.options[1].id},
        now=utcnow(),
        today=municipal_today(),
        max_text=2000,
    )
    initiative = kit.initiative()
    mine = kit.proposal(initiative, author=resident, title="Bancas en la plaza")
    theirs = kit.proposal(initiative, title="Luz en el callejón")
    supports.support(theirs, resident, now=utcnow(), today=TODAY)
    comments.add_comment(theirs.thread, resident, "Muy necesaria.", utcnow())
    assembly = make.process(ProcessStatus.PUBLISHED, type=ProcessType.ASAMBLEA, title="Asambleas")
    starts = utcnow() + timedelta(days=3)
    event = Event(
        process_id=assembly.id,
        title="Asamblea de Centro",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    db.session.add(event)
    db.session.commit()
    registration.register(event.id, resident, now=utcnow(), today=municipal_today())
    login(client, resident.email)
    assert "My participation" in client.get("/cuenta/").get_data(as_text=True)
    page = client.get("/mis-participaciones").get_data(as_text=True)
    for title in ("Consulta del parque", mine.title, theirs.title, "Asamblea de Centro"):
        assert title in page
    assert "Columpios-X" not in page and "Fuente-Y" not in page
    assert "receipts are not linked to your account or to what you chose" in page


def test_another_residents_page_shows_nothing_of_mine(kit, make, client):
    resident, other = kit.resident(), kit.resident()
    kit.proposal(kit.initiative(), author=resident, title="Bancas en la plaza")
    login(client, other.email)
    assert "Bancas en la plaza" not in client.get("/mis-participaciones").get_data(as_text=True)


def comment_and_pledge(kit, make, resident, how_many: int) -> str:
    """`how_many` comments on as many proposals, and as many pledges to as many works."""
    initiative = kit.initiative()
    watching = make.process(ProcessStatus.OPEN, type=ProcessType.COLABORACION, title="Obras")
    for n in range(how_many):
        proposal = kit.proposal(initiative, title=f"Propuesta número {n}")
        comments.add_comment(proposal.thread, resident, f"Comentario {n}", utcnow())
        work = WatchedWork(process_id=watching.id, name=f"Obra {n}")
        db.session.add(Pledge(work=work, user_id=resident.id, kind=PledgeKind.LABOUR, quantity=2))
    db.session.commit()
    return f"/propuestas/{proposal.id}"


def test_the_page_costs_the_same_queries_however_many_comments_and_pledges(kit, make, client):
    resident = kit.resident()
    login(client, resident.email)
    comment_and_pledge(kit, make, resident, 1)
    with recorded() as few:
        client.get("/mis-participaciones")
    last_commented = comment_and_pledge(kit, make, resident, 4)
    with recorded() as many:
        page = client.get("/mis-participaciones").get_data(as_text=True)
    assert last_commented in page and "Obra 3" in page
    assert len(many) == len(few)


def test_votes_and_answers_show_newest_first_and_no_more_than_the_limit(kit, make, monkeypatch):
    resident, now = kit.resident(), utcnow()
    monkeypatch.setattr(participations, "LIMIT", 3)
    voter = {"voter_key": "clave", "user_id": resident.id}
    for day, title in ((1, "Consulta uno"), (3, "Consulta tres"), (5, "Consulta cinco")):
        process = make.process(ProcessStatus.CLOSED, title=title)
        at = now - timedelta(days=day)
        db.session.add(Participation(process_id=process.id, created_at=at, **voter))
    for day, title in ((2, "Presupuesto dos"), (4, "Presupuesto cuatro")):
        process = make.process(ProcessStatus.CLOSED, type=ProcessType.PRESUPUESTO, title=title)
        ballot = PbBallot(process_id=process.id, name="Municipio", amount=100)
        db.session.add(ballot)
        db.session.flush()
        at = now - timedelta(days=day)
        db.session.add(PbParticipation(ballot_id=ballot.id, created_at=at, **voter))
    db.session.commit()
    voted = participations.participations_of(resident.id).voted
    assert [item.title for item in voted] == ["Consulta uno", "Presupuesto dos", "Consulta tres"]
