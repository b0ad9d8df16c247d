"""Follow-up pages: the session's follow-up, the work's page, the public accountability pages
and downloads; who may record; bad input; CSRF."""

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from participa.auth.models import Role
from participa.collaboration.models import Pledge, PledgeKind
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.works.models import ProgressReport
from tests.factories import login
from tests.works.followup_helpers import approved, held_session, report


def reports() -> int:
    return db.session.execute(sa.select(sa.func.count(ProgressReport.id))).scalar_one()


def form(work_id, **changes):
    values = {"reported_on": "2026-11-10", "progress": "25", "spent": "$250,000", "note": ""}
    return {f"w{work_id}-{k}": v for k, v in {**values, **changes}.items()}


def test_staff_record_the_follow_up_of_every_priority_in_a_held_session(client, works):
    pozo, banquetas = approved(works)
    session = held_session(works.staff)
    login(client, works.staff.email)
    council_page = client.get(f"/gestion/consejo/sesiones/{session.id}").get_data(as_text=True)
    url = f"/gestion/obras/seguimiento/sesion/{session.id}"
    assert url in council_page
    page = client.get(url).get_data(as_text=True)
    assert "Pozo de agua" in page and "Banquetas" in page
    response = client.post(f"{url}/{pozo.id}", data=form(pozo.id))
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Reported in this session" in page
    assert "1 of 2 priorities reported in this session." in page
    stored = db.session.execute(sa.select(ProgressReport)).scalar_one()
    assert (stored.progress, stored.spent, stored.council_session_id) == (25, 250_000, session.id)
    # a second report in the same session is refused with a message, nothing stored
    again = client.post(f"{url}/{pozo.id}", data=form(pozo.id, progress="30"))
    assert reports() == 1
    assert again.status_code == 400
    assert "already has its report for this session" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"progress": "120"}, "whole percentage from 0 to 100"),
        ({"spent": "mucho"}, "amount spent so far in whole pesos"),
        ({"reported_on": ""}, "Write the date of the report."),
        ({"spent": "2,000,000"}, "above the estimated cost"),
    ],
)
def test_bad_input_is_a_400_with_its_message_and_stores_nothing(client, works, changes, message):
    pozo, _ = approved(works)
    session = held_session(works.staff)
    login(client, works.staff.email)
    url = f"/gestion/obras/seguimiento/sesion/{session.id}/{pozo.id}"
    response = client.post(url, data=form(pozo.id, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert reports() == 0


def test_progress_going_down_needs_a_note_on_the_work_page(client, works, tmp_path):
    pozo, _ = approved(works)
    report(works.staff, pozo, 50, tmp=tmp_path)
    login(client, works.staff.email)
    data = {"reported_on": "2026-11-15", "progress": "40", "spent": "300000", "note": ""}
    response = client.post(f"/gestion/obras/seguimiento/obra/{pozo.id}", data=data)
    assert response.status_code == 400
    assert "explain why in the note" in response.get_data(as_text=True)
    data["note"] = "Se retiró un tramo mal colado."
    response = client.post(f"/gestion/obras/seguimiento/obra/{pozo.id}", data=data)
    assert response.status_code == 302
    page = client.get(f"/gestion/obras/{pozo.id}").get_data(as_text=True)
    assert "Se retiró un tramo mal colado." in page and "history-table" in page


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNCIL])
def test_residents_and_council_cannot_record(client, make, works, role):
    pozo, _ = approved(works)
    session = held_session(works.staff)
    login(client, make.user(role).email)
    url = f"/gestion/obras/seguimiento/sesion/{session.id}"
    assert client.get(url).status_code == 403
    assert client.post(f"{url}/{pozo.id}", data=form(pozo.id)).status_code == 403
    assert reports() == 0


def test_public_page_lists_approved_priorities_with_progress_and_filters(
    client, make, works, tmp_path
):
    pozo, banquetas = approved(works)
    candidate = works.work("Candidata secreta")
    report(works.staff, pozo, 60, 500_000, tmp=tmp_path)
    page = client.get("/obras/").get_data(as_text=True)
    assert "Pozo de agua" in page and "60%" in page and "Banquetas" in page
    assert "Candidata secreta" not in page
    assert client.get(f"/obras/{candidate.id}").status_code == 404
    assert "Pozo de agua" not in client.get("/obras/?estado=done").get_data(as_text=True)
    assert "Pozo de agua" in client.get("/obras/?periodo=2027").get_data(as_text=True)
    assert "Pozo de agua" not in client.get("/obras/?periodo=1999").get_data(as_text=True)


def test_work_page_shows_history_schedule_and_linked_pledges(client, make, works, tmp_path):
    from participa.processes.types import ProcessType

    pozo, _ = approved(works)
    report(works.staff, pozo, 20, 100_000, day=date(2026, 9, 1), tmp=tmp_path)
    report(works.staff, pozo, 45, 300_000, day=date(2026, 10, 1), tmp=tmp_path)
    process = make.process(type=ProcessType.COLABORACION)
    subject = WatchedWork(process_id=process.id, name="Pozo (colaboración)", work_id=pozo.id)
    db.session.add(subject)
    db.session.flush()
    db.session.add(
        Pledge(work_id=subject.id, kind=PledgeKind.MONEY, quantity=5000, person_name="Ana")
    )
    db.session.commit()
    page = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    assert "chart-history-progress" in page and "chart-history-spent" in page
    assert "45%" in page and "history-table" in page
    assert "Pozo (colaboración)" in page and "$5,000 pledged" in page


def test_downloads_have_a_stable_shape(client, works, tmp_path):
    pozo, _ = approved(works)
    report(works.staff, pozo, 70, 650_000, '=HYPERLINK("x")', tmp=tmp_path)
    data = client.get("/obras/prioridades.json").get_json()
    first = data["priorities"][0]
    assert first["title"] == "Pozo de agua" and first["progress_pct"] == 70
    assert first["tasks"] == {"done": 0, "total": 0, "overdue": 0}
    assert set(first) >= {"period", "place", "work_id", "status", "funding", "pledges"}
    text = client.get("/obras/prioridades.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "Pozo de agua" and rows[0]["progress_pct"] == "70"
    history = client.get(f"/obras/{pozo.id}/avances.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in history  # formula-safe
    assert client.get(f"/obras/{pozo.id}/avances.json").get_json()["reports"][0]["spent"] == 650_000


def test_recording_needs_the_csrf_token(csrf_app):
    from tests.factories import Factories
    from tests.works.conftest import WorksFactories

    client = csrf_app.test_client()
    works = WorksFactories(Factories())
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    pozo, _ = approved(works)
    session = held_session(works.staff)
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/cuenta/entrar",
        data={"email": works.staff.email, "password": "contraseña-segura", "csrf_token": token},
    )
    url = f"/gestion/obras/seguimiento/sesion/{session.id}"
    assert client.post(f"{url}/{pozo.id}", data=form(pozo.id)).status_code == 400
    assert reports() == 0
    page = client.get(url).get_data(as_text=True)
    token = re.search(f'name="w{pozo.id}-csrf_token" type="hidden" value="([^"]+)"', page)
    data = {**form(pozo.id), f"w{pozo.id}-csrf_token": token.group(1)}
    assert client.post(f"{url}/{pozo.id}", data=data).status_code == 302
    assert reports() == 1


def test_staff_link_an_audit_subject_to_a_priority_and_its_findings_count(client, make, works):
    from participa.oversight.models import Finding
    from participa.processes.types import ProcessType

    pozo, _ = approved(works)
    candidate = works.work("Candidata")
    process = make.process(type=ProcessType.AUDITORIA)
    login(client, works.staff.email)
    url = f"/gestion/procesos/{process.id}/obras/nueva"
    assert "Pozo de agua" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"kind": "work", "name": "Pozo", "council_work_id": candidate.id})
    assert bad.status_code == 400 and "Choose a priority from the list." in bad.get_data(
        as_text=True
    )
    ok = client.post(url, data={"kind": "work", "name": "Pozo", "council_work_id": pozo.id})
    assert ok.status_code == 302
    subject = db.session.execute(sa.select(WatchedWork)).scalar_one()
    assert subject.work_id == pozo.id
    db.session.add(Finding(work_id=subject.id, title="Fuga", text="Hay una fuga."))
    db.session.commit()
    page = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    assert "1 finding" in page


def test_photos_are_cleaned_stored_and_shown_on_the_public_page(app, client, works, tmp_path):
    from tests.oversight.conftest import jpeg

    app.instance_path = str(tmp_path / "instance")  # photos go here, not to the real instance
    pozo, _ = approved(works)
    login(client, works.staff.email)
    data = {
        "reported_on": "2026-11-15",
        "progress": "30",
        "spent": "300000",
        "photos": [(io.BytesIO(jpeg()), "obra.jpg"), (io.BytesIO(jpeg(color="blue")), "b.jpg")],
    }
    response = client.post(
        f"/gestion/obras/seguimiento/obra/{pozo.id}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    stored = db.session.execute(sa.select(ProgressReport)).scalar_one()
    assert len(stored.photos) == 2
    page = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    url = f"/obras/{pozo.id}/fotos/{stored.photos[0].name}"
    assert url in page
    assert client.get(url).mimetype == "image/jpeg"
    assert client.get(f"/obras/{pozo.id}/fotos/{'0' * 32}.jpg").status_code == 404
    too_many = {**data, "photos": [(io.BytesIO(jpeg()), f"{i}.jpg") for i in range(4)]}
    response = client.post(
        f"/gestion/obras/seguimiento/obra/{pozo.id}",
        data=too_many,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "At most 3 photos." in response.get_data(as_text=True)
    assert reports() == 1


def test_the_council_reads_the_follow_up_without_forms_and_cannot_record(client, works, make):
    pozo, _banquetas = approved(works)
    session = held_session(works.staff)
    report(works.staff, pozo, progress=40, note="Perforación terminada", session=session)
    login(client, make.user(Role.COUNCIL).email)
    index = client.get("/consejo/seguimiento/").get_data(as_text=True)
    url = f"/consejo/seguimiento/sesion/{session.id}"
    assert url in index
    page = client.get(url).get_data(as_text=True)
    assert "Pozo de agua" in page and "Banquetas" in page and "Perforación terminada" in page
    main = page[page.index("<main") : page.index("</main>")]
    assert "<form" not in main and "/gestion/" not in main  # no report forms, no staff links
    staff_url = f"/gestion/obras/seguimiento/sesion/{session.id}"
    assert client.get(staff_url).status_code == 403
    assert client.post(f"{staff_url}/{pozo.id}", data=form(pozo.id)).status_code == 403
    assert reports() == 1


def test_residents_do_not_read_the_council_follow_up(client, works, make):
    session = held_session(works.staff)
    login(client, make.user(Role.CITIZEN).email)
    assert client.get(f"/consejo/seguimiento/sesion/{session.id}").status_code == 403
