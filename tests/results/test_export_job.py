"""A large export runs as a background job for staff: a "preparing" page, then a download
link served only to staff, from a file readable by its owner only, until it expires."""

import os
import re
import time

from participa.auth.models import Role
from participa.core import exportfiles
from participa.core.jobstore import BackgroundJob, JobState
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.consultations.test_secrecy import submit_many
from tests.factories import login


def closed_consultation(make, answers: int):
    process, _codes = submit_many(make, answers)
    process.status = ProcessStatus.CLOSED  # staff and council read every answer
    db.session.commit()
    return process


def client_as(app, make, role):
    client = app.test_client()
    if role is not None:
        login(client, make.user(role).email)
    return client


def test_staff_prepare_a_large_export_and_download_it(app, make):
    app.config["EXPORT_JOB_THRESHOLD"] = 3
    process = closed_consultation(make, 4)
    staff = client_as(app, make, Role.STAFF)
    url = f"/procesos/{process.id}/respuestas.csv"

    page = staff.get(url).get_data(as_text=True)
    assert "Preparar el archivo" in page and "text/csv" not in staff.get(url).content_type
    response = staff.post(url + "/preparar")
    assert response.status_code == 302
    job_page = staff.get(response.location).get_data(as_text=True)
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert job.state is JobState.SUCCEEDED and job.progress == 100
    link = f"/gestion/trabajos/{job.id}/descarga"
    assert f'href="{link}"' in job_page and "Terminado" in job_page
    assert f'href="{link}"' in staff.get(url).get_data(as_text=True)  # and where it started

    path = exportfiles.stored_path(job.id, job.result)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    download = staff.get(link)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    lines = download.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("response,") and len(lines) == 1 + 4
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3", "4"]


def test_only_staff_download_a_prepared_export(app, make):
    app.config["EXPORT_JOB_THRESHOLD"] = 3
    process = closed_consultation(make, 4)
    staff = client_as(app, make, Role.STAFF)
    staff.post(f"/procesos/{process.id}/respuestas.csv/preparar")
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    link = f"/gestion/trabajos/{job.id}/descarga"
    council = client_as(app, make, Role.COUNCIL)
    assert council.get(link).status_code == 403
    assert council.post(f"/procesos/{process.id}/respuestas.csv/preparar").status_code == 403
    anonymous = client_as(app, make, None)
    assert anonymous.get(link).status_code == 302  # to the log-in page
    # The council still reads the answers themselves, streamed as before.
    streamed = council.get(f"/procesos/{process.id}/respuestas.csv")
    assert streamed.status_code == 200 and streamed.content_type.startswith("text/csv")


def test_a_small_export_is_streamed_at_once_and_an_old_file_expires(app, make):
    process = closed_consultation(make, 2)
    staff = client_as(app, make, Role.STAFF)
    response = staff.get(f"/procesos/{process.id}/respuestas.csv")
    assert response.content_type.startswith("text/csv")  # under EXPORT_JOB_THRESHOLD
    app.config["EXPORT_JOB_THRESHOLD"] = 1
    staff.post(f"/procesos/{process.id}/respuestas.csv/preparar")
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    path = exportfiles.stored_path(job.id, job.result)
    old = time.time() - app.config["EXPORTS_KEEP"] - 60
    os.utime(path, (old, old))
    gone = staff.get(f"/gestion/trabajos/{job.id}/descarga")
    assert gone.status_code == 410 and "ya no está disponible" in gone.get_data(as_text=True)
    with app.test_request_context():
        assert exportfiles.expire() == 1
    assert not path.exists()
    assert re.search(r"respuestas-anonimas-proceso-\d+\.csv", job.result)


def test_the_excel_export_is_prepared_the_same_way(app, make):
    app.config["EXPORT_JOB_THRESHOLD"] = 3
    process = closed_consultation(make, 4)
    staff = client_as(app, make, Role.STAFF)
    url = f"/procesos/{process.id}/respuestas.xlsx"
    assert "Preparar el archivo" in staff.get(url).get_data(as_text=True)
    staff.post(url + "/preparar")
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert job.result == f"respuestas-anonimas-proceso-{process.id}.xlsx"
    download = staff.get(f"/gestion/trabajos/{job.id}/descarga")
    assert download.status_code == 200 and download.data[:2] == b"PK"  # a zip: the workbook
    assert staff.post(f"/procesos/{process.id}/respuestas.pdf/preparar").status_code == 404
