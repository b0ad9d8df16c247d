"""One comment partial for proposals and events: who may report a comment, who reads a hidden
one, and the staff's button to show it again."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from participa.auth.models import Role
from participa.comments import services as comments
from participa.comments.models import Comment
from participa.core.timeutil import utcnow
from participa.events import discussion
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.types import ProcessStatus, ProcessType
from tests.events.conftest import new_event
from tests.factories import PASSWORD, login

LABELS = {
    Visibility.PENDING_REVIEW: "Hidden pending review",
    Visibility.HIDDEN: "Hidden by moderation",
}


@dataclass(frozen=True)
class Thread:
    url: str  # the page that shows the thread
    write: Callable  # (author, body) -> the stored comment


@pytest.fixture(params=["proposal", "event"])
def thread(request, kit) -> Thread:
    if request.param == "proposal":
        process = kit.initiative()
        proposal = kit.proposal(process)
        return Thread(
            f"/procesos/{process.id}/propuestas/{proposal.id}",
            lambda author, body: comments.add_comment(proposal.thread, author, body, utcnow()),
        )
    process = kit.make.process(ProcessStatus.OPEN, type=ProcessType.DEBATE, title="Debate")
    event = new_event(process)
    return Thread(
        f"/procesos/{process.id}/eventos/{event.id}",
        lambda author, body: discussion.comment(event, author, body, utcnow()),
    )


def hidden_comment(thread, kit, visibility) -> Comment:
    comment = thread.write(kit.resident(), "Algo ofensivo")
    comment.visibility, comment.hidden_reason = visibility, "Insultos"
    db.session.commit()
    return comment


def token_after(page: str, start: str = "") -> str:
    """The first CSRF token of `page` after the text `start`."""
    found = re.search(re.escape(start) + r'.*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S)
    return found.group(1)


def restore_path(comment) -> str:
    return f"/gestion/moderacion/comentarios/{comment.id}/restaurar"


def test_nobody_is_offered_to_report_their_own_comment(thread, kit, client):
    author, neighbour = kit.resident(), kit.resident()
    mine = thread.write(author, "Mi comentario")
    report = f"/comentarios/{mine.id}/denunciar"
    login(client, author.email)
    page = client.get(thread.url).text
    assert "Mi comentario" in page and report not in page
    other = client.application.test_client()
    login(other, neighbour.email)
    assert report in other.get(thread.url).text


@pytest.mark.parametrize("visibility", LABELS)
@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_read_a_hidden_comment_marked_and_can_restore_it(
    thread, kit, client, visibility, role
):
    comment = hidden_comment(thread, kit, visibility)
    login(client, kit.make.user(role=role).email)
    page = client.get(thread.url).text
    assert "Algo ofensivo" in page and LABELS[visibility] in page
    assert restore_path(comment) in page
    assert client.post(restore_path(comment)).status_code == 302
    assert db.session.get(Comment, comment.id).visibility is Visibility.VISIBLE


@pytest.mark.parametrize("visibility", LABELS)
def test_residents_and_visitors_do_not_read_a_hidden_comment(thread, kit, client, visibility):
    comment = hidden_comment(thread, kit, visibility)
    login(client, kit.resident().email)
    for page in (
        client.get(thread.url).text,
        client.application.test_client().get(thread.url).text,
    ):
        assert "Algo ofensivo" not in page and LABELS[visibility] not in page
        assert restore_path(comment) not in page
        assert "hidden until the office reviews it" in page or "moderation: Insultos" in page


def test_the_restore_button_carries_its_csrf_token(csrf_app, thread, kit):
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    comment = hidden_comment(thread, kit, Visibility.HIDDEN)
    client = csrf_app.test_client()
    token = token_after(client.get("/cuenta/entrar").text)
    staff = {"email": kit.staff().email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/cuenta/entrar", data=staff).status_code == 302
    assert client.post(restore_path(comment)).status_code == 400
    token = token_after(client.get(thread.url).text, f'action="{restore_path(comment)}"')
    assert client.post(restore_path(comment), data={"csrf_token": token}).status_code == 302
    assert db.session.get(Comment, comment.id).visibility is Visibility.VISIBLE
