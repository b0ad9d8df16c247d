"""A roll import runs as a background job: the page stores the upload and shows the job's
state; all or nothing, every bad line shown when it ends; the stored upload is removed."""

import io
from pathlib import Path

import pytest

from participa.core.jobstore import MAX_ERROR, BackgroundJob, JobState
from participa.eligibility import importing
from participa.eligibility.models import RollEntry
from participa.extensions import db
from tests.factories import curp_for

URL = "/gestion/padron/municipio"


@pytest.fixture
def app(app, tmp_path):
    """The app with an instance folder of the test's own: the stored uploads are counted."""
    app.instance_path = str(tmp_path / "instance")
    return app


def upload(client, text: str):
    data = {"file": (io.BytesIO(text.encode()), "padron.csv")}
    return client.post(URL, data=data, content_type="multipart/form-data")


def entry_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RollEntry))


def uploads(app) -> set[Path]:
    folder = Path(app.instance_path) / "uploads" / "rolls"
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_file_with_bad_lines_imports_nothing_and_the_page_lists_them(app, kit):
    client, before = kit.staff_client(app), uploads(app)
    text = f"curp,colonia\n{curp_for()},Centro\nABC,Centro\n{curp_for()},Atlántida\n"
    response = upload(client, text)
    assert response.status_code == 302 and response.location.endswith(URL)
    page = client.get(URL).get_data(as_text=True)
    assert "Roll import" in page and "Failed" in page
    assert "Line 3:" in page and "Line 4:" in page and "Line 2:" not in page
    assert entry_count() == 0
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert (job.state, job.attempts, job.subject) == (JobState.FAILED, 1, "roll:municipio")
    assert uploads(app) == before  # the stored file went with the job


def test_many_bad_lines_are_listed_as_far_as_the_record_holds_then_counted(app, kit):
    client = kit.staff_client(app)
    upload(client, "curp,colonia\n" + "ABC,Centro\n" * 600)
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert job.state is JobState.FAILED and len(job.error) <= MAX_ERROR
    message, *listed, more = job.error.splitlines()
    assert 30 < len(listed) < 600 and all(line.startswith("Line ") for line in listed)
    assert listed[0].startswith("Line 2:") and listed[-1].startswith(f"Line {len(listed) + 1}:")
    assert more == f"… and {600 - len(listed)} more lines."  # the count was cut off before
    assert more in client.get(URL).get_data(as_text=True)


def test_a_clean_file_is_imported_by_the_job_and_its_summary_shown(app, kit):
    client, before = kit.staff_client(app), uploads(app)
    upload(client, f"curp,colonia\n{curp_for()},Centro\n{curp_for()},Lomas\n")
    page = client.get(URL).get_data(as_text=True)
    assert "Finished" in page and "Roll imported: 2 new" in page
    assert entry_count() == 2
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert job.state is JobState.SUCCEEDED and job.owner_id is not None
    assert uploads(app) == before


def test_a_second_upload_waits_for_the_running_import(app, kit):
    client, before = kit.staff_client(app), uploads(app)
    app.config["JOBS_MODE"] = "rq"
    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # never delivered: stays queued
    assert upload(client, f"curp,colonia\n{curp_for()},Centro\n").status_code == 302
    assert "Queued" in client.get(URL + "?actualizar=no").get_data(as_text=True)
    response = upload(client, f"curp,colonia\n{curp_for()},Centro\n")
    assert response.status_code == 400
    assert "An import of this roll is running" in response.get_data(as_text=True)
    assert entry_count() == 0
    for path in uploads(app) - before:  # the file the undelivered job would have read
        path.unlink()


def test_a_roll_file_larger_than_other_uploads_is_accepted(app, kit):
    client = kit.staff_client(app)
    big = "nombre,colonia\n" + "Ana,Centro\n" * 900_000  # about 10 MB: over MAX_CONTENT_LENGTH
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(client, big).status_code == 302  # not 413: the roll's own limit applies
    page = client.get(URL).get_data(as_text=True)
    assert "Failed" in page and "The first line must name one key column" in page


def test_an_import_failing_for_good_removes_the_stored_file(app, kit, monkeypatch):
    client, before = kit.staff_client(app), uploads(app)
    calls = []

    def broken(*args):
        calls.append(sorted(uploads(app) - before))  # the file is there for every attempt
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importing, "import_roll", broken)
    upload(client, f"curp,colonia\n{curp_for()},Centro\n")
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert (job.state, job.attempts) == (JobState.FAILED, job.max_attempts)
    assert len(calls) == job.max_attempts > 1 and all(len(found) == 1 for found in calls)
    assert uploads(app) == before
