"""`flask backup PATH` and `flask restore PATH`: the database, uploads and key in one archive.

The database copy uses SQLite's online backup API: a consistent snapshot while the app keeps
serving (WAL mode). PostgreSQL installations back their database up with `pg_dump -Fc` and
`pg_restore` instead (docs/deploy.md), and the rest with `flask backup --no-database`. The
archive (participa/core/archive.py) holds the instance's secret key when the key lives there;
a key set in the settings stays with the settings, and the archive notes which key it was.
"""

import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from participa.core import archive, filemodes
from participa.core.archive import DATABASE, KEY, UPLOADS, ArchiveError
from participa.core.filemodes import LinkRefused
from participa.extensions import db

PG_ADVICE = (
    "This installation uses PostgreSQL: back it up with "
    "`pg_dump -Fc -f participa.dump DATABASE` and restore with "
    "`pg_restore --clean --if-exists -d DATABASE participa.dump` (see docs/deploy.md); "
    "`flask backup --no-database PATH` keeps the uploads and the key."
)
SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_path() -> Path:
    """The file of the app's SQLite database, or a ClickException for other databases."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(PG_ADVICE)
    if not url.database or url.database == ":memory:":
        raise click.ClickException("The database is in memory: there is no file to back up.")
    return Path(url.database)


def integrity(path: Path) -> str:
    """SQLite's own verdict on the file: "ok" or the first problems it finds."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)


def copy_database(source: Path, target: Path) -> None:
    """Copy `source` into `target` page by page with the online backup API.

    Neither may be a symbolic link (SQLite would create or write the file it points to); the
    target is made 0600 before the first page is written.
    """
    filemodes.refuse_link(source, "backups and restores")
    if not source.is_file():
        raise click.ClickException(f"There is no database file at {source}.")
    filemodes.create_private(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=256)
        # A single self-contained file: no -wal beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    filemodes.narrow(filemodes.sqlite_files(target))


def _query(path: Path, sql: str):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    sql = "SELECT count(*) FROM sqlite_master WHERE type='table' AND name != 'sqlite_sequence'"
    return _query(path, sql)[0] > 0


def _instance_key(instance: Path) -> Path | None:
    """instance/secret_key when it is the key in use (not a link, not a stale file)."""
    path = instance / KEY
    if path.is_symlink() or not path.is_file():
        return None
    return path if path.read_text().strip() == current_app.config["SECRET_KEY"] else None


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-database", is_flag=True, help="Only the uploads and the key (PostgreSQL).")
def backup(path: Path, no_database: bool) -> None:
    """Write the database, the uploads and the secret key to PATH, a new .tar.gz archive."""
    _check_target(path)
    instance = Path(current_app.instance_path)
    key = _instance_key(instance)
    fingerprint = archive.key_fingerprint(current_app.config["SECRET_KEY"])
    manifest = {"created_at": datetime.now(UTC).isoformat(timespec="seconds")}
    manifest |= {"database": None, "key_fingerprint": fingerprint}
    try:
        files = archive.upload_files(instance) + ([(KEY, key)] if key else [])
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as scratch:
            if not no_database:
                snapshot = _snapshot(Path(scratch) / DATABASE)
                files.insert(0, (DATABASE, snapshot))
                revision = _query(snapshot, "SELECT version_num FROM alembic_version")
                manifest |= {"database": "sqlite", "revision": revision and revision[0]}
            archive.write_archive(path, files, manifest)
    except (ArchiveError, LinkRefused) as error:
        raise click.ClickException(str(error)) from None
    uploads = sum(1 for name, _ in files if name.startswith(f"{UPLOADS}/"))
    parts = [] if no_database else ["the database (integrity ok)"]
    parts += [f"uploaded files: {uploads}"] + (["the secret key"] if key else [])
    click.echo(f"Backup written to {path} (owner only): {', '.join(parts)}.")
    if key is None:
        click.echo(
            "SECRET_KEY comes from the settings, not the instance folder, so it is not in the "
            "archive: keep it with the backups, or two-step login secrets cannot be read."
        )


def _check_target(path: Path) -> None:
    """A new archive goes to a new plain path in a folder: no link, no existing file."""
    try:
        filemodes.refuse_link(path, "backups")
    except LinkRefused as error:
        raise click.ClickException(str(error)) from None
    if path.exists():
        raise click.ClickException(f"{path} already exists: choose a new file name.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a dangling link or a file where the folder should be
        problem = f"{path.parent} is not a folder the backup can be written in: {error}"
        raise click.ClickException(problem) from None


def _snapshot(target: Path) -> Path:
    copy_database(sqlite_path(), target)
    verdict = integrity(target)
    if verdict != "ok":
        raise click.ClickException(f"The database copy failed its integrity check: {verdict}")
    return target


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database or uploads that have data.")
def restore(path: Path, force: bool) -> None:
    """Put back the database, uploads and key of the archive in PATH (stop the app first)."""
    try:
        _restore(path, force)
    except (ArchiveError, LinkRefused) as error:
        raise click.ClickException(str(error)) from None


def _restore(path: Path, force: bool) -> None:
    filemodes.refuse_link(path, "restores")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:  # a database file of earlier versions
            _restore_database(path, path, force)
            click.echo(f"Database restored from {path} (integrity ok).")
            return
    instance = Path(current_app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    key_in_settings = _instance_key(instance) is None
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=instance))
    try:
        manifest = archive.unpack(path, staging)
        has_database = manifest["database"] is not None
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
        if has_database and url.get_backend_name() != "sqlite":
            raise click.ClickException(f"{path} holds a SQLite database. {PG_ADVICE}")
        _refuse_uploads_with_data(instance, force)
        if has_database:
            _restore_database(staging / DATABASE, path, force)
        _replace_uploads(instance, staging / UPLOADS)
        if (staging / KEY).exists():
            (staging / KEY).replace(instance / KEY)  # replaces a link itself, never its target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _report(path, manifest, instance, key_in_settings)


def _restore_database(source: Path, named: Path, force: bool) -> None:
    target = sqlite_path()
    filemodes.refuse_link(target, "restores")
    verdict = integrity(source)
    if verdict != "ok":
        raise click.ClickException(f"{named} is not a sound SQLite database: {verdict}")
    db.session.remove()
    db.engine.dispose()  # nobody of ours keeps the file open
    if _has_tables(target) and not force:
        raise click.ClickException(
            f"{target} already has data; stop the app and add --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(source, target)


def _refuse_uploads_with_data(instance: Path, force: bool) -> None:
    live = instance / UPLOADS
    if live.is_symlink():
        raise ArchiveError(f"{live} is a symbolic link: restore does not follow links.")
    if not force and live.exists() and any(p.is_file() for p in live.rglob("*")):
        raise click.ClickException(
            f"{live} already has files; stop the app and add --force to replace them."
        )


def _replace_uploads(instance: Path, staged: Path) -> None:
    """Empty instance/uploads and move the archive's files in (it may be a mount point)."""
    live = instance / UPLOADS
    live.mkdir(exist_ok=True)
    for entry in live.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if staged.exists():
        for entry in staged.iterdir():
            shutil.move(entry, live / entry.name)


def _report(path: Path, manifest: dict, instance: Path, key_in_settings: bool) -> None:
    files = manifest["files"]
    uploads = sum(1 for name in files if name.startswith(f"{UPLOADS}/"))
    parts = ["the database (integrity ok)"] if manifest["database"] else []
    parts += [f"uploaded files: {uploads}"] + (["the secret key"] if KEY in files else [])
    click.echo(f"Restored from {path} into {instance}: {', '.join(parts)}.")
    if manifest["database"]:
        click.echo(
            f"The database is at revision {manifest.get('revision')}: run `flask db upgrade` "
            "if this code is newer, then start (or restart) the app."
        )
    current = archive.key_fingerprint(current_app.config["SECRET_KEY"])
    if key_in_settings and manifest["key_fingerprint"] != current:
        where = f" (now in {instance / KEY})" if KEY in files else ""
        click.echo(
            f"The backup was made under another SECRET_KEY than the settings' one{where}: "
            "set SECRET_KEY to it, or add it to SECRET_KEY_FALLBACKS and run "
            "`flask rotate-keys`, or two-step login secrets cannot be read."
        )
