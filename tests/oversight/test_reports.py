"""Residents report citizen findings; enough distinct reports hide one pending staff review."""

from participa.audit.models import AuditEvent
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation import services as moderation
from participa.moderation.models import Report, Visibility
from participa.oversight import findings
from participa.oversight.models import Finding
from tests.oversight.test_services import file


def reports() -> int:
    return len(db.session.execute(db.select(Report)).all())


def page_of(world) -> str:
    return f"/procesos/{world.audit.id}/obras/{world.work.id}"


def test_reports_hide_a_finding_from_the_public_until_staff_restore_it(world, make):
    finding = file(world)
    others = [make.user(colonia=world.colonias["Centro"]) for _ in range(3)]
    assert [moderation.report(u, finding, "", utcnow()) for u in others] == [False, False, True]
    finding = db.session.get(Finding, finding.id)
    assert finding.visibility is Visibility.PENDING_REVIEW and not finding.is_public
    assert findings.findings(world.work, findings.FindingFilter(None)) == []
    assert findings.summary(world.audit) == {}
    item = next(i for i in moderation.queue() if i.kind == "finding")
    assert item.link == f"{page_of(world)}#finding-{finding.id}" and item.reports == 3
    moderation.restore(world.staff, finding)
    assert finding.is_public and reports() == 0
    audited = db.session.execute(db.select(AuditEvent.action)).scalars()
    assert "moderation.finding.restore" in audited


def test_the_finding_card_has_a_report_button_that_works(world, as_user):
    finding = file(world)
    client = as_user(world.neighbour)
    page = client.get(page_of(world)).get_data(as_text=True)
    action = f"{page_of(world)}/hallazgos/{finding.id}/denunciar"
    assert f'action="{action}"' in page
    assert client.post(action, data={"reason": "x" * 501}).status_code == 400
    assert reports() == 0
    assert client.post(action, data={"reason": "Es falso"}).status_code == 302
    assert reports() == 1
    assert client.post(action, data={"reason": "Otra"}).status_code == 409
    own = as_user(world.resident).get(page_of(world)).get_data(as_text=True)
    assert f'action="{action}"' not in own  # the author gets no report button


def test_staff_hide_a_reported_finding_from_the_queue_and_residents_cannot(world, as_user):
    finding = file(world)
    moderation.report(world.neighbour, finding, "", utcnow())
    url = f"/gestion/moderacion/hallazgos/{finding.id}/ocultar"
    assert as_user(world.neighbour).post(url, data={"reason": "x"}).status_code == 403
    client = as_user(world.staff)
    assert finding.title in client.get("/gestion/moderacion/").get_data(as_text=True)
    assert client.post(url, data={"reason": "Datos personales"}).status_code == 302
    finding = db.session.get(Finding, finding.id)
    assert finding.visibility is Visibility.HIDDEN and finding.hidden_reason == "Datos personales"
    public = client.get(page_of(world)).get_data(as_text=True)
    assert f'id="finding-{finding.id}"' not in public


def test_restoring_reports_also_lifts_a_hide_staff_made_on_the_oversight_page(world, make):
    """Moderation's "restore" says the finding is shown again: it is, however it was hidden."""
    finding = file(world)
    moderation.report(world.neighbour, finding, "", utcnow())
    findings.hide_finding(world.staff, finding, "Datos personales", utcnow())
    moderation.restore(world.staff, finding)
    finding = db.session.get(Finding, finding.id)
    assert finding.visibility is Visibility.VISIBLE and reports() == 0
    assert finding.hidden_at is None and finding.hidden_reason == ""
    assert finding.is_public


def test_the_oversight_page_shows_and_lifts_a_hide_made_through_moderation(world, as_user):
    finding = file(world)
    moderation.report(world.neighbour, finding, "", utcnow())
    moderation.hide(world.staff, finding, "Datos personales")
    client = as_user(world.staff)
    base = f"/gestion/procesos/{world.audit.id}/hallazgos"
    listing = client.get(f"{base}/").get_data(as_text=True)
    assert 'class="badge badge-hidden"' in listing
    page = client.get(f"{base}/{finding.id}").get_data(as_text=True)
    assert "Oculto de las páginas públicas por moderación." in page
    assert "Datos personales" in page and f"{base}/{finding.id}/ocultar" not in page
    assert client.post(f"{base}/{finding.id}/mostrar").status_code == 302
    finding = db.session.get(Finding, finding.id)
    assert finding.is_public and finding.hidden_reason == "" and reports() == 0
    public = client.get(page_of(world)).get_data(as_text=True)
    assert f'id="finding-{finding.id}"' in public
