"""Instance files are their owner's alone (0600), and backups and restores follow no link.

The attack run found the SQLite database, its -wal, restored copies and backups being written
0644 (readable by every account of the server), and `flask backup` creating a file through a
dangling symbolic link where the database should be (core/filemodes.py).
"""

import os
import stat
from pathlib import Path

import pytest

from participa import create_app
from participa.core import filemodes
from participa.core.backup import copy_database
from participa.extensions import db
from tests.conftest import TEST_CONFIG
from tests.factories import Factories


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def lax_umask(tmp_path, monkeypatch):
    """Each test starts with a usual shell's umask (022), as an operator's command would."""
    monkeypatch.setenv("PARTICIPA_INSTANCE_PATH", str(tmp_path / "instancia"))
    before = os.umask(0o022)
    yield
    os.umask(before)


def app_on(path: Path, **settings):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **settings})


def write_something(app) -> None:
    with app.app_context():
        db.create_all()
        Factories().user(email="vecina@example.mx")
        db.session.remove()


def invoke(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


def refused(result, message: str) -> bool:
    return result.exit_code != 0 and message in result.output


def test_the_database_and_its_wal_and_shm_are_created_0600(tmp_path):
    path = tmp_path / "participa.db"
    app = app_on(path)
    with app.app_context():
        db.create_all()
        Factories().user(email="vecina@example.mx")
        files = filemodes.sqlite_files(path)
        assert all(p.exists() for p in files)  # the connection is open: WAL and shared memory
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
        db.session.remove()
        db.engine.dispose()
    assert os.umask(0o022) == 0o077  # what the app set, for everything it writes later


def test_a_database_of_an_earlier_version_is_narrowed_at_start(tmp_path):
    path = tmp_path / "participa.db"
    write_something(app_on(path, INSTANCE_UMASK=None))
    os.chmod(path, 0o644)
    app_on(path)
    assert mode(path) == 0o600


def test_the_umask_setting_can_be_left_alone_and_is_read_as_octal():
    os.umask(0o022)
    create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_UMASK": None})
    assert os.umask(0o022) == 0o022
    assert [filemodes.parse_umask(v) for v in (0o077, "077", "0o027", None, "")] == [
        0o077,
        0o077,
        0o027,
        None,
        None,
    ]
    with pytest.raises(ValueError):
        filemodes.parse_umask("1777")


def test_copies_backups_and_restored_databases_are_0600(tmp_path):
    live = tmp_path / "participa.db"
    app = app_on(live)
    write_something(app)
    os.umask(0o022)  # even when something set the umask back
    copy_database(live, tmp_path / "copia.db")
    assert mode(tmp_path / "copia.db") == 0o600
    archive = tmp_path / "respaldo.tar.gz"
    assert invoke(app, "backup", str(archive)).exit_code == 0
    assert mode(archive) == 0o600
    os.chmod(live, 0o644)
    restored = invoke(app, "restore", "--force", str(archive))
    assert restored.exit_code == 0, restored.output
    assert mode(live) == 0o600


def test_backup_refuses_a_database_that_is_a_dangling_link(tmp_path):
    victim = tmp_path / "victima.db"
    link = tmp_path / "participa.db"
    link.symlink_to(victim)
    result = invoke(app_on(link), "backup", str(tmp_path / "respaldo.tar.gz"))
    assert refused(result, "is a symbolic link")
    assert not victim.exists() and not (tmp_path / "respaldo.tar.gz").exists()


def test_backup_refuses_a_target_or_folder_that_is_a_link(tmp_path):
    app = app_on(tmp_path / "participa.db")
    write_something(app)
    victim = tmp_path / "victima.tar.gz"
    (tmp_path / "respaldo.tar.gz").symlink_to(victim)
    result = invoke(app, "backup", str(tmp_path / "respaldo.tar.gz"))
    assert refused(result, "is a symbolic link")
    (tmp_path / "carpeta").symlink_to(tmp_path / "no-existe")
    result = invoke(app, "backup", str(tmp_path / "carpeta" / "respaldo.tar.gz"))
    assert refused(result, "not a folder the backup can be written in")
    assert not victim.exists() and not (tmp_path / "no-existe").exists()


def test_restore_refuses_a_database_path_or_an_archive_that_is_a_link(tmp_path):
    source = app_on(tmp_path / "origen.db")
    write_something(source)
    archive = tmp_path / "respaldo.tar.gz"
    assert invoke(source, "backup", str(archive)).exit_code == 0

    victim = tmp_path / "victima.db"
    link = tmp_path / "participa.db"
    link.symlink_to(victim)
    result = invoke(app_on(link), "restore", "--force", str(archive))
    assert refused(result, "is a symbolic link")
    assert not victim.exists()

    (tmp_path / "enlace.tar.gz").symlink_to(archive)
    result = invoke(app_on(tmp_path / "otra.db"), "restore", str(tmp_path / "enlace.tar.gz"))
    assert refused(result, "is a symbolic link")
