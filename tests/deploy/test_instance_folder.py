"""PARTICIPA_INSTANCE_PATH keeps every file of data outside the code checkout."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from participa import ROOT, create_app
from participa.auth.models import User
from participa.core import jobs
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessType
from participa.proposals.models import DEFAULT_CATEGORIES
from tests.factories import login
from tests.proposals.helpers import jpeg_bytes

# What a developer's shell may hold that would point the commands at other data.
FOREIGN = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "PUBLIC_URL")
CHEAP_HASH = "pbkdf2:sha256:1000"
VECINA = "vecina@participa.local"


def snapshot(folder: Path) -> dict[str, int]:
    """Every path under `folder` with its modification time."""
    return {str(p.relative_to(folder)): p.lstat().st_mtime_ns for p in folder.rglob("*")}


def flask(instance: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `flask --app app ARGS` from the checkout, as `make run` does."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN and "PARTICIPA" not in k}
    env |= {
        "PARTICIPA_INSTANCE_PATH": str(instance),
        "PARTICIPA_PASSWORD_HASH_METHOD": CHEAP_HASH,
        "PARTICIPA_SQLITE_SYNCHRONOUS": "NORMAL",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "datos" / "participa"  # its parents do not exist yet either
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARTICIPA_INSTANCE_PATH", str(folder))
    return folder


def test_the_instance_folder_comes_from_the_environment_and_holds_all_the_data(instance):
    checkout = ROOT / "instance"
    before = snapshot(checkout)
    for args in (("db", "upgrade"), ("seed-demo", "--responses", "20")):
        done = flask(instance, *args)
        assert done.returncode == 0, done.stderr

    # No SECRET_KEY and no database URL given: both are made in the instance folder.
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}
        | {"RATELIMIT_ENABLED": False, "SQLITE_SYNCHRONOUS": "NORMAL"}
    )
    assert app.instance_path == str(instance)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'participa.db'}"
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text().strip()
    password = next(
        line.split()[2]
        for line in (instance / "demo-accounts.txt").read_text().splitlines()
        if VECINA in line
    )
    with app.app_context():
        initiative = db.session.execute(
            db.select(Process).where(Process.type == ProcessType.INICIATIVA)
        ).scalar_one()
        vecina = db.session.execute(db.select(User).filter_by(email=VECINA)).scalar_one()
        client = app.test_client()
        assert login(client, VECINA, password).status_code == 302
        proposal = {"title": "Bancas en la plaza", "body": "Faltan bancas en la plaza."}
        proposal |= {"category": DEFAULT_CATEGORIES[0], "colonia_id": str(vecina.colonia_id)}
        photo = {"attachments": [(io.BytesIO(jpeg_bytes()), "foto.jpg")]}
        url = f"/procesos/{initiative.id}/propuestas/nueva"
        assert client.post(url, data=proposal | photo).status_code == 302
        client.post("/cuenta/recuperar", data={"email": VECINA})
        assert jobs.wait_all(30)  # the mail is a background job (a thread without Redis)
        db.engine.dispose()

    assert len(list((instance / "uploads" / "proposals").glob("*.jpg"))) == 1
    assert len(list((instance / "outbox").glob("*.eml"))) == 1
    assert snapshot(checkout) == before


def test_the_demo_accounts_file_goes_to_an_instance_folder_not_made_yet(app, runner, tmp_path):
    """With PostgreSQL and SECRET_KEY set, nothing else creates the instance folder."""
    app.instance_path = str(tmp_path / "aun" / "no")
    result = runner.invoke(args=["seed-demo", "--responses", "5"])
    assert result.exit_code == 0, result.output
    assert VECINA in (tmp_path / "aun" / "no" / "demo-accounts.txt").read_text()
