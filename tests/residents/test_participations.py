"""Mis participaciones lists what a resident took part in, and never what they chose."""

from datetime import timedelta

from participa.comments import services as comments
from participa.consultations import answering
from participa.consultations.models import QuestionKind
from participa.core.timeutil import utcnow
from participa.events import registration
from participa.events.models import Event
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals import supports
from tests.factories import login, municipal_today
from tests.proposals.helpers import TODAY


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
