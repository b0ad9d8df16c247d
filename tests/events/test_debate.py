"""Debates and forums: an event's comments with replies and positions, and their moderation."""

import pytest

from participa.comments.models import Comment, Position
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.events import discussion
from participa.events.models import Event
from participa.extensions import db
from participa.moderation import services as moderation
from participa.moderation.models import Visibility
from participa.processes.types import ProcessStatus, ProcessType
from tests.events.conftest import new_event
from tests.factories import login


@pytest.fixture
def debate(make):
    process = make.process(ProcessStatus.OPEN, type=ProcessType.DEBATE, title="Debate del parque")
    return new_event(process, title="Foro sobre el parque")


def url(event) -> str:
    return f"/procesos/{event.process_id}/eventos/{event.id}"


def comments() -> list[Comment]:
    return list(db.session.execute(db.select(Comment).order_by(Comment.id)).scalars())


def test_a_debate_thread_takes_positions_and_counts_them(debate, residents):
    first = discussion.comment(
        debate, residents[0], "A favor del parque", utcnow(), None, Position.FAVOR
    )
    assert db.session.get(Event, debate.id).thread.allows_positions
    discussion.comment(debate, residents[1], "En contra", utcnow(), position=Position.AGAINST)
    discussion.comment(debate, residents[2], "Yo también", utcnow(), first.id, Position.FAVOR)
    discussion.comment(debate, residents[3], "Sin postura", utcnow())
    shown = discussion.discussion(db.session.get(Event, debate.id))
    assert shown["position_counts"] == {Position.FAVOR: 2, Position.AGAINST: 1, Position.NEUTRAL: 0}
    assert [len(e.replies) for e in shown["entries"]] == [1, 0, 0]


def test_an_assembly_takes_comments_without_positions_and_other_events_none(make, event, residents):
    process = make.process(ProcessStatus.OPEN, type=ProcessType.ASAMBLEA, title="Asamblea")
    assembly = new_event(process)
    discussion.comment(assembly, residents[0], "Propongo otra fecha", utcnow())
    with pytest.raises(DomainError) as error:
        discussion.comment(assembly, residents[0], "x", utcnow(), position=Position.FAVOR)
    assert error.value.field == "position"
    with pytest.raises(DomainError):
        discussion.comment(event, residents[0], "x", utcnow())  # an open-town-hall session
    db.session.rollback()
    assert len(comments()) == 1


def test_a_closed_debate_takes_no_comments(make, residents):
    process = make.process(ProcessStatus.CLOSED, type=ProcessType.DEBATE, title="Cerrado")
    with pytest.raises(DomainError):
        discussion.comment(new_event(process), residents[0], "Tarde", utcnow())


def test_reports_on_debate_comments_go_through_moderation(debate, residents, staff_user):
    target = discussion.comment(debate, residents[0], "Algo ofensivo", utcnow())
    for person in residents[1:4]:
        moderation.report(person, target, "", utcnow())
    target = db.session.get(Comment, target.id)
    assert target.visibility is Visibility.PENDING_REVIEW
    where = moderation.location(target)
    assert where.process_id == debate.process_id
    assert where.link == moderation.link_to(target) == f"{url(debate)}#comentario-{target.id}"
    assert any(i.kind == "comment" and i.target.id == target.id for i in moderation.queue())
    moderation.restore(staff_user, target)
    assert target.visibility is Visibility.VISIBLE


def test_the_event_page_shows_the_debate_and_takes_comments(client, debate, residents):
    page = client.get(url(debate)).get_data(as_text=True)
    assert "Debate: comments" in page and "Log in to comment" in page
    login(client, residents[0].email)
    empty = client.post(f"{url(debate)}/comentarios", data={"body": "  ", "position": "favor"})
    assert empty.status_code == 400 and comments() == []
    wrong = client.post(f"{url(debate)}/comentarios", data={"body": "Hola", "position": "quizá"})
    assert wrong.status_code == 400 and "Choose a position" in wrong.get_data(as_text=True)
    assert comments() == []
    made = client.post(
        f"{url(debate)}/comentarios", data={"body": "Sí al parque", "position": "favor"}
    )
    assert made.status_code == 302
    first = comments()[0]
    assert first.position is Position.FAVOR
    reply = {"body": "No estoy de acuerdo", "position": "against", "parent_id": str(first.id)}
    assert client.post(f"{url(debate)}/comentarios", data=reply).status_code == 302
    page = client.get(url(debate)).get_data(as_text=True)
    assert "Sí al parque" in page and "No estoy de acuerdo" in page and "comment-reply" in page
    assert 'id="position-favor" data-count="1"><strong>In favour</strong>: 1 comment' in page
    login(client, residents[1].email)
    action = f"{url(debate)}/comentarios/{first.id}/denunciar"
    assert f'action="{action}"' in client.get(url(debate)).get_data(as_text=True)
    assert client.post(action, data={"reason": "Insulta"}).status_code == 302
    assert client.post(action, data={"reason": "Otra"}).status_code == 409


def test_comments_on_a_proposal_cannot_be_reported_through_an_event(
    client, debate, residents, make
):
    discussion.comment(debate, residents[0], "Uno", utcnow())
    other = make.process(ProcessStatus.OPEN, type=ProcessType.DEBATE, title="Otro")
    other_event = new_event(other)
    stray = discussion.comment(other_event, residents[0], "Dos", utcnow())
    login(client, residents[1].email)
    assert client.post(f"{url(debate)}/comentarios/{stray.id}/denunciar").status_code == 404
