"""Uploads kept for import jobs: owner-only, and deleted by the clock when a job left them."""

import os
import stat
import time
from pathlib import Path

import pytest

from participa.core import jobclock, jobstore, stored_uploads
from participa.core.jobstore import BackgroundJob
from participa.core.timeutil import utcnow
from participa.core.uploads import photo_folder


@pytest.fixture
def app(app, tmp_path):
    """The app with an instance folder of the test's own (the clock deletes files in it)."""
    app.instance_path = str(tmp_path / "instance")
    return app


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_stored_upload_is_readable_by_the_server_s_user_only(app):
    with app.test_request_context():
        name = stored_uploads.store("rolls", b"curp\n", ".csv")
        path = stored_uploads.path("rolls", name)
    assert path.read_bytes() == b"curp\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_unknown_area_is_refused_before_anything_is_written(app):
    with app.test_request_context(), pytest.raises(ValueError, match="not an area"):
        stored_uploads.store("photos", b"x", ".jpg")
    assert not (Path(app.instance_path) / "uploads" / "photos").exists()


def test_the_clock_deletes_uploads_left_behind_and_never_photos(app):
    keep = app.config["UPLOADS_KEEP"]
    with app.test_request_context():
        left = stored_uploads.path("rolls", stored_uploads.store("rolls", b"a", ".csv"))
        lines = stored_uploads.store("boundaries", b"{}", ".geojson")
        left_too = stored_uploads.path("boundaries", lines)
        fresh = stored_uploads.path("rolls", stored_uploads.store("rolls", b"b", ".csv"))
        photo = photo_folder(app.instance_path, "proposals") / "old.jpg"
        photo.parent.mkdir(parents=True, exist_ok=True)
        photo.write_bytes(b"jpeg")
        for path in (left, left_too, photo):
            age(path, keep + 60)
        age(fresh, keep - 600)
        assert "uploads-expire" in jobclock.tick(utcnow())  # run inline, as a job
    assert not left.exists() and not left_too.exists()
    assert fresh.exists() and photo.exists()


def test_only_names_the_store_gave_are_paths(app):
    with app.test_request_context():
        for name in ("../../participa.db", "a" * 32 + ".csv/../x", "", "ABC.csv"):
            with pytest.raises(ValueError, match="not the name"):
                stored_uploads.path("rolls", name)


def test_the_clock_s_own_error_is_shown_in_spanish(app):
    job = BackgroundJob(error=jobstore.STOPPED)
    with app.test_request_context(headers={"Accept-Language": "es-MX"}):
        assert job.error_lines == [
            "El proceso que ejecutaba este trabajo se detuvo antes de terminarlo."
        ]
    assert BackgroundJob(error="Línea 2: mal\nLínea 3: mal").error_lines == [
        "Línea 2: mal",
        "Línea 3: mal",
    ]
