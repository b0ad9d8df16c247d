"""Reports hide content after N distinct people; staff restore or hide; blocking accounts."""

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import User
from participa.comments import services as comments
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation import services
from participa.moderation.models import Report, Visibility
from participa.notifications.models import NoticeKind, Notification
from participa.proposals.models import Proposal
from tests.factories import login


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action)).scalars())


def test_n_distinct_reports_hide_a_proposal_until_review(kit, client):
    process = kit.initiative(reports_to_hide=2)
    proposal = kit.proposal(process)
    first, second = kit.resident(), kit.resident()
    assert services.report(first, proposal, "Ofensiva", utcnow()) is False
    with pytest.raises(DomainError):  # the same person twice counts once
        services.report(first, proposal, "Otra vez", utcnow())
    assert services.report(second, proposal, "", utcnow()) is True
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.visibility is Visibility.PENDING_REVIEW
    assert (
        len(
            list(
                db.session.execute(
                    db.select(Notification).where(Notification.kind == NoticeKind.CONTENT_HIDDEN)
                ).scalars()
            )
        )
        == 1
    )
    page = client.get(f"/procesos/{process.id}/propuestas/{proposal.id}").get_data(as_text=True)
    assert "hidden until the office reviews" in page and "frente a la primaria" not in page
    assert "Semáforo" not in client.get(f"/procesos/{process.id}/propuestas/").get_data(
        as_text=True
    )


def test_staff_restore_clears_reports_and_hide_keeps_a_reason(kit, client):
    process = kit.initiative(reports_to_hide=1)
    proposal = kit.proposal(process)
    comment = comments.add_comment(proposal.thread, kit.resident(), "Grosería", utcnow())
    services.report(kit.resident(), proposal, "", utcnow())
    services.report(kit.resident(), comment, "Insulto", utcnow())
    staff = kit.staff()
    login(client, staff.email)
    queue = client.get("/gestion/moderacion/").get_data(as_text=True)
    assert "Semáforo" in queue and "Insulto" in queue
    assert client.post(f"/gestion/moderacion/propuestas/{proposal.id}/restaurar").status_code == 302
    assert db.session.get(Proposal, proposal.id).visibility is Visibility.VISIBLE
    assert (
        db.session.execute(db.select(Report).where(Report.proposal_id == proposal.id)).first()
        is None
    )
    no_reason = client.post(
        f"/gestion/moderacion/comentarios/{comment.id}/ocultar", data={"reason": ""}
    )
    assert no_reason.status_code == 400
    hidden = client.post(
        f"/gestion/moderacion/comentarios/{comment.id}/ocultar", data={"reason": "Insultos"}
    )
    assert hidden.status_code == 302
    db.session.expire_all()
    assert comment.visibility is Visibility.HIDDEN and comment.hidden_reason == "Insultos"
    client.post("/cuenta/salir")
    page = client.get(f"/procesos/{process.id}/propuestas/{proposal.id}").get_data(as_text=True)
    assert "hidden by moderation: Insultos" in page and "Grosería" not in page
    assert {"moderation.proposal.restore", "moderation.comment.hide"} <= set(actions())


def test_reporting_through_the_page(kit, client):
    process = kit.initiative(reports_to_hide=3)
    proposal = kit.proposal(process)
    login(client, kit.resident().email)
    url = f"/procesos/{process.id}/propuestas/{proposal.id}"
    assert client.post(f"{url}/denunciar", data={"reason": "Spam"}).status_code == 302
    again = client.post(f"{url}/denunciar", data={"reason": "Spam"})
    assert again.status_code == 409 and "already reported" in again.get_data(as_text=True)
    assert services.report_count(proposal) == 1


def test_staff_block_an_account_and_it_cannot_log_in(kit, client):
    resident = kit.resident()
    staff = kit.staff()
    login(client, staff.email)
    assert client.post(f"/gestion/moderacion/cuentas/{resident.id}/bloquear").status_code == 302
    assert db.session.get(User, resident.id).active is False
    assert "moderation.block" in actions()
    other = client.application.test_client()
    assert login(other, resident.email).status_code == 400  # refused, no session
    assert other.get("/cuenta/").status_code == 302  # sent to the login page
    assert client.post(f"/gestion/moderacion/cuentas/{resident.id}/desbloquear").status_code == 302
    assert db.session.get(User, resident.id).active is True
    assert login(other, resident.email).status_code == 302
    with pytest.raises(DomainError):
        services.set_blocked(staff, staff, True)
