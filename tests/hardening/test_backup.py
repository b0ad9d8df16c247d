"""`flask backup` and `flask restore`: one archive with the database, the uploads and the key.
A copy taken while the app is live holds every ballot; a restore into a new instance folder
brings back the uploads and the key byte for byte; links and damaged archives are refused."""

import io
import os
import sqlite3
import tarfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from participa import create_app
from participa.budgets.models import BallotRule, PbParticipation, PbVote, PbVoteItem
from participa.budgets.voting import cast_vote
from participa.consultations.answering import submit_response
from participa.consultations.models import Answer, Participation, Response
from participa.core.backup import copy_database
from participa.extensions import db
from tests.budgets.test_voting import open_ballot
from tests.conftest import TEST_CONFIG
from tests.consultations.test_answering import Layout
from tests.factories import Factories

TABLES = {
    Participation: (Participation.process_id, Participation.voter_key),
    Response: (Response.id, Response.receipt_hash),
    Answer: (
        Answer.response_id,
        Answer.question_id,
        Answer.seq,
        Answer.option_id,
        Answer.value,
        Answer.text,
    ),
    PbParticipation: (PbParticipation.ballot_id, PbParticipation.voter_key),
    PbVote: (PbVote.id, PbVote.receipt_hash),
    PbVoteItem: (PbVoteItem.vote_id, PbVoteItem.project_id),
}
PHOTO = "uploads/pb/" + "ab" * 16 + ".jpg"
PG_URL = "postgresql://x@127.0.0.1/nada"  # never connected to: files only


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch) -> Path:
    """Every app of these tests keeps its instance folder in the test's own directory."""
    return use_instance(monkeypatch, tmp_path / "instancia")


def use_instance(monkeypatch, folder: Path) -> Path:
    monkeypatch.setenv("PARTICIPA_INSTANCE_PATH", str(folder))
    return folder


def ballots() -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(
            (tuple(row) for row in db.session.execute(sa.select(*columns))), key=repr
        )
        for model, columns in TABLES.items()
    }


def seed_ballots(residents: int = 6) -> None:
    make = Factories()
    centro = make.territory()["Centro"]
    layout = Layout(make.consultation())
    process, ballot, projects = open_ballot(make, BallotRule.KNAPSACK)
    now, today = datetime.now(UTC), date.today()
    for n in range(residents):
        user = make.user(colonia=centro, birth=date(1970 + n, 1, 1 + n))
        submit_response(layout.process, user, layout.answers(), now=now, today=today, max_text=50)
        cast_vote(ballot, user, {projects[n % 3].id: 1}, now=now, today=today)


def put_uploads(instance: Path) -> dict[str, bytes]:
    """A photo, an attachment and a finding's photo, of random bytes."""
    files = {
        PHOTO: os.urandom(5000),
        "uploads/proposals/" + "cd" * 16 + ".pdf": b"%PDF-1.4\n" + os.urandom(800),
        "uploads/findings/" + "ef" * 16 + ".jpg": os.urandom(3000),
    }
    for name, data in files.items():
        (instance / name).parent.mkdir(parents=True, exist_ok=True)
        (instance / name).write_bytes(data)
    return files


def uploads_in(instance: Path) -> dict[str, bytes]:
    found = (instance / "uploads").rglob("*")
    return {p.relative_to(instance).as_posix(): p.read_bytes() for p in found if p.is_file()}


def users() -> int:
    return db.session.execute(sa.text("SELECT count(*) FROM user")).scalar()


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def crafted(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            tar.addfile(member, io.BytesIO(data.get(member.name, b"")))
    return path


@pytest.mark.sqlite_only
def test_backup_while_live_then_restore_finds_every_ballot(app, tmp_path, monkeypatch):
    seed_ballots()
    before = ballots()
    assert len(before["Response"]) == len(before["PbVote"]) == 6
    # The app is live: another connection holds a read transaction open, and the last writes
    # are still in the WAL file, not yet in the database file.
    reader = sqlite3.connect(db.engine.url.database)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM response").fetchone()
    try:
        result = invoke(app, "backup", str(tmp_path / "copia.tar.gz"))
    finally:
        reader.close()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    use_instance(monkeypatch, tmp_path / "otra")
    restored_url = f"sqlite:///{tmp_path / 'restaurada.db'}"
    fresh = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": restored_url})
    with fresh.app_context():
        result = invoke(fresh, "restore", str(tmp_path / "copia.tar.gz"))
        assert result.exit_code == 0, result.output
        assert ballots() == before
        check = db.session.execute(sa.text("PRAGMA integrity_check")).scalar()
        assert check == "ok"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_uploads_and_key_come_back_byte_equal_in_a_new_instance(database, tmp_path, monkeypatch):
    first = use_instance(monkeypatch, tmp_path / "primera")
    app = database(SECRET_KEY=None)  # generated into the instance folder, as in production
    key = (first / "secret_key").read_bytes()
    uploads = put_uploads(first)
    archive = tmp_path / "respaldos" / "participa.tar.gz"
    with app.app_context():
        Factories().user(email="rosa@example.mx")
        result = invoke(app, "backup", str(archive))
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "uploaded files: 3, the secret key" in result.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) == {"MANIFEST.json", "participa.db", "secret_key", *uploads}

    # A new machine: another instance folder, an empty database, a key of its own.
    second = use_instance(monkeypatch, tmp_path / "segunda")
    url = f"sqlite:///{tmp_path / 'nueva.db'}"
    fresh = create_app({**TEST_CONFIG, "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": url})
    assert (second / "secret_key").read_bytes() != key
    with fresh.app_context():
        result = invoke(fresh, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert users() == 1
        db.engine.dispose()
    assert uploads_in(second) == uploads
    assert (second / "secret_key").read_bytes() == key
    assert oct((second / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in second.iterdir() if p.name.startswith(".")] == []  # no staging
    again = create_app({**TEST_CONFIG, "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": url})
    assert again.config["SECRET_KEY"] == key.decode().strip()


@pytest.mark.sqlite_only
def test_restore_refuses_data_unless_forced_and_then_replaces_it(app, tmp_path, instance):
    seed_ballots(2)
    uploads = put_uploads(instance)
    assert invoke(app, "backup", str(tmp_path / "copia.tar.gz")).exit_code == 0
    Factories().user(email="despues@example.mx")  # changes after the backup
    (instance / "uploads" / "pb" / "despues.jpg").write_bytes(b"nueva")
    refused = invoke(app, "restore", str(tmp_path / "copia.tar.gz"))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert users() == 3 and len(uploads_in(instance)) == 4
    forced = invoke(app, "restore", "--force", str(tmp_path / "copia.tar.gz"))
    assert forced.exit_code == 0, forced.output
    assert users() == 2 and uploads_in(instance) == uploads


def test_backup_refuses_to_follow_symbolic_links(app, tmp_path, instance):
    put_uploads(instance)
    elsewhere = tmp_path / "ajeno.txt"
    elsewhere.write_text("no es de la instancia")
    (instance / "uploads" / "pb" / "enlace.jpg").symlink_to(elsewhere)
    result = invoke(app, "backup", "--no-database", str(tmp_path / "copia.tar.gz"))
    assert result.exit_code != 0 and "symbolic link" in result.output
    assert not (tmp_path / "copia.tar.gz").exists()

    (instance / "uploads" / "pb" / "enlace.jpg").unlink()
    link = tmp_path / "destino.tar.gz"
    link.symlink_to(elsewhere)  # the archive's own path: never written through
    result = invoke(app, "backup", "--no-database", str(link))
    assert result.exit_code != 0 and "is a symbolic link" in result.output
    assert elsewhere.read_text() == "no es de la instancia"


def test_restore_refuses_links_and_paths_outside_the_instance(app, tmp_path, instance):
    link = tarfile.TarInfo(PHOTO)
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    outside = tarfile.TarInfo("uploads/pb/../../../fuera.txt")
    outside.size = 4
    absolute = tarfile.TarInfo(str(tmp_path / "absoluto.txt"))
    absolute.size = 4
    data = {outside.name: b"fuera", absolute.name: b"fuera"}
    for n, member in enumerate((link, outside, absolute)):
        archive = crafted(tmp_path / f"malo{n}.tar.gz", [member], data)
        result = invoke(app, "restore", "--force", str(archive))
        assert result.exit_code != 0 and "unexpected entry" in result.output, result.output
    assert not (tmp_path / "fuera.txt").exists() and not (tmp_path / "absoluto.txt").exists()
    assert not (instance / "uploads").exists()
    assert [p.name for p in instance.iterdir() if p.name.startswith(".")] == []


@pytest.mark.sqlite_only
def test_restore_refuses_a_damaged_archive_and_changes_nothing(app, tmp_path, instance):
    seed_ballots(2)
    uploads = put_uploads(instance)
    archive = tmp_path / "copia.tar.gz"
    assert invoke(app, "backup", str(archive)).exit_code == 0
    cut = tmp_path / "cortada.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    # The same names and manifest, but one photo's bytes changed.
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        data = {m.name: tar.extractfile(m).read() for m in members}
    data[PHOTO] = bytes([data[PHOTO][0] ^ 1]) + data[PHOTO][1:]
    forged = crafted(tmp_path / "alterada.tar.gz", members, data)
    for damaged, message in ((cut, "not a readable Participa backup"), (forged, "checksum")):
        result = invoke(app, "restore", "--force", str(damaged))
        assert result.exit_code != 0 and message in result.output, result.output
        assert users() == 2 and uploads_in(instance) == uploads


@pytest.mark.sqlite_only
def test_a_database_file_of_earlier_versions_still_restores(app, tmp_path):
    seed_ballots(2)
    copy_database(Path(db.engine.url.database), tmp_path / "vieja.db")
    Factories().user(email="despues@example.mx")
    result = invoke(app, "restore", "--force", str(tmp_path / "vieja.db"))
    assert result.exit_code == 0, result.output
    assert users() == 2


@pytest.mark.sqlite_only
def test_restore_refuses_a_damaged_backup(app, tmp_path):
    damaged = tmp_path / "roto.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    result = invoke(app, "restore", "--force", str(damaged))
    assert result.exit_code != 0 and "not a sound SQLite database" in result.output
    assert users() == 0


@pytest.mark.sqlite_only
def test_backup_does_not_overwrite_a_file(app, tmp_path):
    target = tmp_path / "existe.db"
    target.write_text("mío")
    result = invoke(app, "backup", str(target))
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "mío"


def test_postgresql_installations_back_up_files_and_pg_dump_the_database(
    tmp_path, monkeypatch, instance
):
    uploads = put_uploads(instance)
    with_database = tmp_path / "sqlite.tar.gz"
    sqlite_app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/s.db"}
    )
    with sqlite_app.app_context():
        db.create_all()
        assert invoke(sqlite_app, "backup", str(with_database)).exit_code == 0
        db.engine.dispose()
    pg = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": PG_URL})
    with pg.app_context():
        refused = invoke(pg, "backup", str(tmp_path / "nunca.tar.gz"))
        assert refused.exit_code != 0 and "pg_dump -Fc" in refused.output
        assert "--no-database" in refused.output and not (tmp_path / "nunca.tar.gz").exists()
        refused = invoke(pg, "restore", "--force", str(with_database))
        assert refused.exit_code != 0 and "holds a SQLite database" in refused.output
        files = invoke(pg, "backup", "--no-database", str(tmp_path / "archivos.tar.gz"))
        assert files.exit_code == 0, files.output
        assert "uploaded files: 3." in files.output and "SECRET_KEY comes from" in files.output

    use_instance(monkeypatch, tmp_path / "otra")
    pg = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": PG_URL})
    with pg.app_context():
        restored = invoke(pg, "restore", str(tmp_path / "archivos.tar.gz"))
        assert restored.exit_code == 0, restored.output
        legacy = tmp_path / "vieja.db"
        legacy.write_bytes(b"SQLite format 3\x00")
        result = invoke(pg, "restore", str(legacy))
        assert result.exit_code != 0 and "pg_dump -Fc" in result.output
    assert uploads_in(tmp_path / "otra") == uploads
