"""The boundary import as a background job: the upload is stored owner-only and removed when
the job ends, one import runs at a time, the cheap checks of the form answer at once, and the
refusal shown on the page holds as many problems as the job's record can."""

from pathlib import Path

import pytest

from participa.auth.models import Role
from participa.core.jobstore import MAX_ERROR, BackgroundJob, JobState
from participa.extensions import db
from participa.territory import boundaries, boundary_jobs
from tests.factories import login
from tests.territory.test_boundaries import (
    CENTRO,
    LOMAS,
    URL,
    collection,
    feature,
    problems,
    refusal,
    refused,
    stored,
    upload,
)


@pytest.fixture
def app(app, tmp_path):
    """The app with an instance folder of the test's own: the stored uploads are counted."""
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def staff(client, make):
    make.user(Role.STAFF, email="staff@example.mx")
    login(client, "staff@example.mx")
    return client


@pytest.fixture
def colonias(make):
    return make.territory()  # Centro and Lomas (Norte), Sauces (Sur)


def uploads(app) -> set[Path]:
    folder = Path(app.instance_path) / "uploads" / "boundaries"
    return set(folder.iterdir()) if folder.exists() else set()


def the_jobs() -> list[BackgroundJob]:
    return list(db.session.scalars(db.select(BackgroundJob).order_by(BackgroundJob.id)))


def test_an_import_is_a_job_of_the_page_and_its_file_goes_when_it_ends(app, staff, colonias):
    before = uploads(app)
    assert upload(staff, collection(feature("Centro", CENTRO))).status_code == 302
    (job,) = the_jobs()
    assert (job.state, job.subject, job.label) == (
        JobState.SUCCEEDED,
        "territory:boundaries",
        "Boundary import",
    )
    assert job.owner_id is not None and job.attempts == 1
    assert uploads(app) == before  # imported: the stored file went with the job
    page = staff.get(URL).get_data(as_text=True)
    assert "Importación de límites" in page and "Límites importados: 1 colonias" in page


def test_a_refused_file_is_removed_too_and_its_job_is_not_retried(app, staff, colonias):
    before = uploads(app)
    page = refused(staff, collection(feature("Centro"), feature("Atlántida")))
    assert problems(page) == [
        'Elemento 2 ("Atlántida"): no hay ninguna colonia con este nombre en el territorio'
    ]
    (job,) = the_jobs()
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert uploads(app) == before
    assert stored()["Centro"] == (None, None)  # the good feature was not stored either
    # The job's status does not list the problems a second time.
    assert page.get_data(as_text=True).count("Atlántida") == 1


def test_a_job_whose_stored_file_is_gone_is_refused_in_spanish(app, colonias):
    with app.test_request_context(), pytest.raises(boundary_jobs.jobs.Refused) as refused_:
        boundary_jobs.import_stored(None, "0" * 32 + ".geojson", None, None)
    assert str(refused_.value) == "El archivo subido ya no se conserva: vuelve a subirlo."


def test_a_second_import_waits_for_the_running_one_and_changes_nothing(app, staff, colonias):
    before = uploads(app)
    app.config["JOBS_MODE"] = "rq"
    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # never delivered: stays queued
    assert upload(staff, collection(feature("Centro", CENTRO))).status_code == 302
    page = staff.get(URL + "?actualizar=no").get_data(as_text=True)
    assert "En cola" in page and 'http-equiv="refresh"' not in page
    assert 'http-equiv="refresh"' in staff.get(URL).get_data(as_text=True)
    waiting = uploads(app) - before
    assert len(waiting) == 1
    second = upload(staff, collection(feature("Lomas", LOMAS)))
    assert second.status_code == 400
    assert "Hay una importación de límites en curso" in second.get_data(as_text=True)
    assert len(the_jobs()) == 1 and uploads(app) - before == waiting
    assert all(boundary is None for boundary, _low in stored().values())
    for path in waiting:  # the file the undelivered job would have read
        path.unlink()


def test_an_empty_file_is_refused_at_once(app, staff, colonias):
    before = uploads(app)
    for data in (b"", b"  \n"):
        response = upload(staff, data)
        assert response.status_code == 400
        assert "El archivo está vacío." in response.get_data(as_text=True)
    assert the_jobs() == [] and uploads(app) == before


def test_an_import_failing_for_good_removes_the_stored_file(app, staff, colonias, monkeypatch):
    before, calls = uploads(app), []

    def broken(*args, **kwargs):
        calls.append(sorted(uploads(app) - before))  # the file is there for every attempt
        raise RuntimeError("the database went away")

    monkeypatch.setattr(boundaries, "import_boundaries", broken)
    upload(staff, collection(feature("Centro")))
    (job,) = the_jobs()
    assert (job.state, job.attempts) == (JobState.FAILED, job.max_attempts)
    assert len(calls) == job.max_attempts > 1 and all(len(found) == 1 for found in calls)
    assert uploads(app) == before
    page = staff.get(URL)
    assert "RuntimeError: the database went away" in refusal(page)


def test_the_delegacion_removed_before_the_job_runs_refuses_the_file(app, colonias):
    with app.test_request_context():
        name = boundary_jobs.stored_uploads.store("boundaries", collection(feature("N")), ".json")
        with pytest.raises(boundary_jobs.jobs.Refused) as refusal_raised:
            boundary_jobs.import_stored(None, name, None, 999)
    assert str(refusal_raised.value) == (
        "La delegación elegida para las colonias nuevas ya no existe."
    )
    assert uploads(app) == set() and "N" not in stored()


def test_many_bad_features_are_listed_as_far_as_the_record_holds(staff, colonias):
    bad = [feature(f"Colonia que no existe número {n}") for n in range(300)]
    page = refused(staff, collection(*bad))
    assert refusal(page).startswith("No se importó nada: 300 de 300 elementos tienen problemas")
    *listed, more = problems(page)
    assert 30 < len(listed) < 100  # as many as MAX_ERROR holds
    assert all(line.startswith("Elemento ") for line in listed)
    assert listed[0].startswith('Elemento 1 ("Colonia que no existe número 0"): no hay ninguna')
    assert more == f"… y {300 - len(listed)} elementos más con problemas."
    (job,) = db.session.scalars(db.select(BackgroundJob)).all()
    assert len(job.error) <= MAX_ERROR


def test_the_checks_report_their_progress(app, colonias):
    heard = []
    features = [feature(f"X{n}") for n in range(2 * boundaries.REPORT_EVERY + 1)]
    with app.test_request_context(), pytest.raises(boundaries.BoundaryImportError):
        boundaries.check_features(
            features, app.config["MUNICIPALITY_BOUNDS"], report=lambda *p: heard.append(p)
        )
    total = len(features)
    assert heard == [(boundaries.REPORT_EVERY, total), (2 * boundaries.REPORT_EVERY, total)]


def test_a_file_over_the_boundary_limit_is_refused_before_any_job(app, staff, colonias):
    before = uploads(app)
    data = collection(feature("Centro", CENTRO))
    app.config["COLONIA_BOUNDARIES_MAX"] = len(data) // 2
    assert upload(staff, data).status_code == 413
    assert the_jobs() == [] and uploads(app) == before
    app.config["COLONIA_BOUNDARIES_MAX"] = len(data) * 4
    assert upload(staff, data).status_code == 302
