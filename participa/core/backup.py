"""`flask backup PATH` and `flask restore PATH`, for SQLite installations.

The backup uses SQLite's online backup API: it copies a consistent snapshot while the app
keeps serving (WAL mode). PostgreSQL installations use `pg_dump -Fc` and `pg_restore`
instead (docs/security.md), so both commands refuse a PostgreSQL database with that advice.
"""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from participa.extensions import db

PG_ADVICE = (
    "This installation uses PostgreSQL: back it up with "
    "`pg_dump -Fc -f participa.dump DATABASE` and restore with "
    "`pg_restore --clean --if-exists -d DATABASE participa.dump` (see docs/security.md)."
)


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
    """Copy `source` into `target` page by page with the online backup API."""
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


def _has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    connection = sqlite3.connect(path)
    try:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name != 'sqlite_sequence'"
        ).fetchone()[0]
    finally:
        connection.close()
    return found > 0


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Copy the live SQLite database to PATH (a new file), and check the copy."""
    source = sqlite_path()
    if path.exists():
        raise click.ClickException(f"{path} already exists: choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    copy_database(source, path)
    path.chmod(0o600)  # it holds personal data
    verdict = integrity(path)
    if verdict != "ok":
        raise click.ClickException(f"The copy in {path} failed its integrity check: {verdict}")
    click.echo(f"Backup written to {path} (integrity ok).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has data.")
def restore(path: Path, force: bool) -> None:
    """Replace the app's SQLite database with the backup in PATH."""
    target = sqlite_path()
    verdict = integrity(path)
    if verdict != "ok":
        raise click.ClickException(f"{path} is not a sound SQLite database: {verdict}")
    db.session.remove()
    db.engine.dispose()  # nobody of ours keeps the file open
    if _has_tables(target) and not force:
        raise click.ClickException(
            f"{target} already has data; stop the app and add --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(path, target)
    click.echo(f"Database {target} restored from {path} (integrity ok).")
