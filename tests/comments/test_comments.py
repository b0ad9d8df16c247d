"""Comments and replies on a proposal: one level deep, length limits, sanitised text."""

import pytest

from participa.comments import services
from participa.comments.models import Comment
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Visibility
from tests.factories import login


def test_replies_stay_one_level_deep(kit):
    proposal = kit.proposal(kit.initiative())
    someone = kit.resident()
    first = services.add_comment(proposal.thread, someone, "Buena idea", utcnow())
    reply = services.add_comment(proposal.thread, someone, "Sí", utcnow(), parent_id=first.id)
    deeper = services.add_comment(proposal.thread, someone, "Y más", utcnow(), parent_id=reply.id)
    assert reply.parent_id == first.id and deeper.parent_id == first.id
    [entry] = services.entries(proposal.thread)
    assert entry.comment.id == first.id and [r.id for r in entry.replies] == [reply.id, deeper.id]


def test_bad_comments_change_nothing(kit):
    proposal = kit.proposal(kit.initiative())
    other = kit.proposal(kit.initiative(), title="Otra")
    someone = kit.resident()
    elsewhere = services.add_comment(other.thread, someone, "Allá", utcnow())
    for body, parent in (("  ", None), ("x" * 2001, None), ("Hola", elsewhere.id)):
        with pytest.raises(DomainError):
            services.add_comment(proposal.thread, someone, body, utcnow(), parent_id=parent)
    assert (
        db.session.execute(
            db.select(Comment).where(Comment.thread_id == proposal.thread_id)
        ).first()
        is None
    )


def test_comment_through_the_page_is_sanitised(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    login(client, kit.resident().email)
    url = f"/procesos/{process.id}/propuestas/{proposal.id}"
    response = client.post(f"{url}/comentarios", data={"body": "<script>alert(1)</script> *bien*"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<em>bien</em>" in page
    empty = client.post(f"{url}/comentarios", data={"body": ""})
    assert empty.status_code == 400
    assert db.session.execute(db.select(db.func.count(Comment.id))).scalar_one() == 1


def test_anonymous_people_cannot_comment(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    url = f"/procesos/{process.id}/propuestas/{proposal.id}/comentarios"
    response = client.post(url, data={"body": "Hola"})
    assert response.status_code in (302, 401)
    assert db.session.execute(db.select(Comment)).first() is None


@pytest.mark.parametrize("hidden", [Visibility.PENDING_REVIEW, Visibility.HIDDEN])
def test_hidden_comments_take_no_replies(kit, hidden):
    proposal = kit.proposal(kit.initiative())
    someone = kit.resident()
    first = services.add_comment(proposal.thread, someone, "Algo ofensivo", utcnow())
    reply = services.add_comment(proposal.thread, someone, "Sí", utcnow(), parent_id=first.id)
    reply.visibility = hidden
    db.session.commit()
    with pytest.raises(DomainError, match="hidden"):
        services.add_comment(proposal.thread, someone, "A la respuesta", utcnow(), reply.id)
    first.visibility, reply.visibility = hidden, Visibility.VISIBLE
    db.session.commit()
    for parent in (first.id, reply.id):
        with pytest.raises(DomainError, match="hidden"):
            services.add_comment(proposal.thread, someone, "Respuesta", utcnow(), parent)
    count = db.session.execute(db.select(db.func.count(Comment.id))).scalar_one()
    assert count == 2
