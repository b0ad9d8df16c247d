"""The annual work plan through its pages: staff build it, the council reads it, the Gantt."""

import io
import re
from datetime import date

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.officeplan import gantt, plan
from participa.officeplan.models import ActivityEvidence, ActivityLink, PlanActivity, WorkPlan
from tests import factories
from tests.factories import login
from tests.officeplan.conftest import PDF


def activities() -> list[tuple]:
    rows = db.session.execute(db.select(PlanActivity).order_by(PlanActivity.id)).scalars()
    return [(a.number, a.title, a.start_month, a.end_month, a.status.value) for a in rows]


def test_staff_create_a_plan_and_its_activities(client, staff):
    login(client, staff.email)
    response = client.post("/gestion/plan/nuevo", data={"year": "2026", "title": "Plan 2026"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/consejo/plan/2026")
    form = {
        "number": "1",
        "title": "Capacitación al consejo",
        "parent_id": "",
        "start_month": "11",
        "end_month": "12",
        "owner": "Jefatura",
        "status": "pending",
    }
    assert client.post("/gestion/plan/2026/actividades/nueva", data=form).status_code == 302
    parent = db.session.execute(db.select(PlanActivity)).scalar_one()
    sub = {
        **form,
        "number": "1.1",
        "title": "Taller",
        "parent_id": str(parent.id),
        "end_month": "11",
    }
    assert client.post("/gestion/plan/2026/actividades/nueva", data=sub).status_code == 302
    assert activities() == [
        ("1", "Capacitación al consejo", 11, 12, "pending"),
        ("1.1", "Taller", 11, 11, "pending"),
    ]
    assert (
        db.session.execute(db.select(PlanActivity).where(PlanActivity.number == "1.1"))
        .scalar_one()
        .parent_id
        == parent.id
    )
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert actions.count("officeplan.activity.add") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"number": "uno"}, "Number the activity as in the plan"),
        ({"number": "1"}, "Another activity already has this number."),
        ({"title": " "}, "Write a title of at most 200 characters."),
        ({"start_month": "12", "end_month": "11"}, "The end month cannot come before the start"),
        ({"start_month": "13"}, "Choose the start and end months."),
        ({"parent_id": "999"}, "Choose a parent activity of this plan."),
    ],
)
def test_bad_activities_are_refused_with_a_message_and_nothing_stored(
    client, staff, work_plan, change, message
):
    before = activities()
    login(client, staff.email)
    form = {
        "number": "3",
        "title": "Otra",
        "parent_id": "",
        "start_month": "11",
        "end_month": "12",
        "owner": "",
        "status": "pending",
        **change,
    }
    response = client.post("/gestion/plan/2026/actividades/nueva", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert activities() == before


def test_a_sub_activity_cannot_have_sub_activities(client, staff, work_plan):
    login(client, staff.email)
    sub = db.session.execute(
        db.select(PlanActivity).where(PlanActivity.number == "1.1")
    ).scalar_one()
    form = {
        "number": "1.1.1",
        "title": "Nieta",
        "parent_id": str(sub.id),
        "start_month": "11",
        "end_month": "11",
        "owner": "",
        "status": "pending",
    }
    response = client.post("/gestion/plan/2026/actividades/nueva", data=form)
    assert "A sub-activity cannot have sub-activities." in response.get_data(as_text=True)
    assert len(activities()) == 3


def test_a_second_plan_for_the_same_year_is_refused(client, staff, work_plan):
    login(client, staff.email)
    response = client.post("/gestion/plan/nuevo", data={"year": "2026", "title": "Otro"})
    assert response.status_code == 400
    assert "There is already a plan for 2026." in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(WorkPlan)).scalar() == 1


def test_the_gantt_has_a_column_per_month_a_bar_per_activity_and_marks_overdue_in_words(
    client, make, work_plan
):
    """On 15 December 2026, 1.1 (November, pending) is overdue; 2 (December, done) is not."""
    built = gantt.build(work_plan, date(2026, 12, 15))
    assert [m.number for m in built.months] == [11, 12]
    assert [(r.activity.number, r.cells, r.overdue) for r in built.rows] == [
        ("1", (True, True), False),
        ("1.1", (True, False), True),
        ("2", (False, True), False),
    ]
    assert plan.overdue(work_plan, date(2027, 1, 2))[0].number == "1"
    login(client, make.user(Role.COUNCIL).email)
    page = client.get("/consejo/plan/2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    table = html[html.index('id="gantt"') : html.index("</table>")]
    header = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert header[:4] == ["Activity", "When", "Owner", "Status"]
    assert len(re.findall(r'class="gantt-month"', table)) == 2
    rows = table.split('<tr class="gantt-row')[1:]
    assert [row.count('class="gantt-bar ') for row in rows] == [2, 1, 1]
    assert "November – December 2026" in rows[0]


def test_overdue_is_said_in_text_on_the_page(client, make, staff):
    """A plan of a past year whose activity never finished reads "Overdue" beside it."""
    old = plan.create_plan(staff, 2020, "Plan 2020")
    plan.add_activity(staff, old, plan.ActivityData("1", "Vieja", None, 3, 4, ""))
    login(client, make.user(Role.COUNCIL).email)
    html = client.get("/consejo/plan/2020").get_data(as_text=True)
    row = html.split('gantt-overdue" id="activity-')[1].split("</tr>")[0]
    assert "Overdue" in row
    assert "1 activity is overdue" in html


def test_the_council_reads_the_plan_but_cannot_edit_it(client, make, work_plan):
    login(client, make.user(Role.COUNCIL).email)
    assert client.get("/consejo/plan/").status_code == 302
    page = client.get("/consejo/plan/2026").get_data(as_text=True)
    assert "Add an activity" not in page
    assert client.get("/consejo/plan/2026/imprimir").status_code == 200
    activity = work_plan.activities[0]
    detail = client.get(f"/consejo/plan/actividad/{activity.id}").get_data(as_text=True)
    assert "Edit activity" not in detail and 'id="evidence-form"' not in detail
    assert client.get("/gestion/plan/nuevo").status_code == 403
    form = {"number": "9", "title": "X", "start_month": "1", "end_month": "2", "status": "pending"}
    assert client.post("/gestion/plan/2026/actividades/nueva", data=form).status_code == 403
    assert len(activities()) == 3


@pytest.mark.parametrize("role", [None, Role.CITIZEN])
def test_residents_and_the_public_cannot_reach_the_plan(client, make, work_plan, role):
    if role:
        login(client, make.user(role).email)
    for url in ("/consejo/plan/2026", "/consejo/plan/2026/imprimir", "/gestion/plan/nuevo"):
        assert client.get(url).status_code == (302 if role is None else 403), url


def test_evidence_pdfs_are_kept_and_anything_else_refused(client, staff, work_plan, app):
    activity = work_plan.activities[0]
    login(client, staff.email)
    url = f"/gestion/plan/actividad/{activity.id}/evidencia"
    fake = client.post(
        url,
        data={"file": (io.BytesIO(b"GIF89a not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "The file is not a PDF document." in fake.get_data(as_text=True)
    assert db.session.execute(db.select(ActivityEvidence)).first() is None
    ok = client.post(
        url,
        data={"file": (io.BytesIO(PDF), "acta.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "acta.pdf" in ok.get_data(as_text=True)
    evidence = db.session.execute(db.select(ActivityEvidence)).scalar_one()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", evidence.file_name)
    download = client.get(f"/consejo/plan/evidencia/{evidence.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"


def test_activities_link_to_what_carried_them_out(client, staff, make, work_plan):
    process = make.process(title="Consulta de obras")
    activity = work_plan.activities[0]
    login(client, staff.email)
    picker = client.get(f"/consejo/plan/actividad/{activity.id}?kind=process").get_data(
        as_text=True
    )
    assert "Consulta de obras" in picker
    url = f"/gestion/plan/actividad/{activity.id}/enlaces"
    client.post(url, data={"kind": "process", "target": "9999"})
    assert db.session.execute(db.select(ActivityLink)).first() is None
    client.post(url, data={"kind": "process", "target": str(process.id)})
    client.post(url, data={"kind": "process", "target": str(process.id)})
    link = db.session.execute(db.select(ActivityLink)).scalar_one()
    detail = client.get(f"/consejo/plan/actividad/{activity.id}").get_data(as_text=True)
    assert "Process: Consulta de obras" in detail
    client.post(f"/gestion/plan/enlace/{link.id}/quitar")
    assert db.session.execute(db.select(ActivityLink)).first() is None


def test_creating_a_plan_works_with_csrf_on_and_fails_without_the_token(csrf_app):
    staff = factories.Factories().user(Role.STAFF)
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post(
        "/cuenta/entrar",
        data={"email": staff.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    form = {"year": "2027", "title": "Plan 2027"}
    assert client.post("/gestion/plan/nuevo", data=form).status_code == 400
    assert db.session.execute(db.select(WorkPlan)).first() is None
    page = client.get("/gestion/plan/nuevo").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    assert client.post("/gestion/plan/nuevo", data={**form, "csrf_token": token}).status_code == 302
    assert db.session.execute(db.select(WorkPlan.year)).scalar_one() == 2027


def test_evidence_is_a_pdf_download_whatever_name_it_came_with(client, staff, work_plan):
    activity = work_plan.activities[0]
    login(client, staff.email)
    client.post(
        f"/gestion/plan/actividad/{activity.id}/evidencia",
        data={"file": (io.BytesIO(PDF), "x.html")},
        content_type="multipart/form-data",
    )
    evidence = db.session.execute(db.select(ActivityEvidence)).scalar_one()
    download = client.get(f"/consejo/plan/evidencia/{evidence.id}")
    assert download.headers["Content-Disposition"] == "attachment; filename=x.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"


def test_a_failure_after_saving_the_evidence_leaves_no_file(
    staff, work_plan, monkeypatch, tmp_path
):
    def broken_audit(*_args, **_kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(plan, "record", broken_audit)
    folder = tmp_path / "evidence"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        plan.attach_evidence(staff, work_plan.activities[0], "acta.pdf", PDF, folder, utcnow())
    assert list(folder.iterdir()) == []
