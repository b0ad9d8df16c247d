"""Files of personal data are their owner's alone, and are never reached through a link.

The SQLite database (and its `-wal` and `-shm` files), uploads, the outbox, restored copies
and backups hold names, CURPs and e-mails. The app sets the process's umask at start
(`INSTANCE_UMASK`, 0o077), so whatever it or SQLite creates is 0600 (folders 0700); files of
earlier versions are narrowed at start (`narrow`), and the backup commands create their files
0600 explicitly (`create_private`), whatever the umask. A symbolic link where a database or
an archive should be, dangling or not, is refused (`refuse_link`): a write through it would
land wherever the link points.
"""

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600
NO_FOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class LinkRefused(Exception):
    """A path that must be a plain file is a symbolic link; the message says which."""


def parse_umask(value) -> int | None:
    """The INSTANCE_UMASK setting as a number: 0o077, 63, "077", "0o077"; None leaves it."""
    if value is None or value == "":
        return None
    mask = value if isinstance(value, int) else int(str(value).removeprefix("0o"), 8)
    if not 0 <= mask <= 0o777:
        raise ValueError(f"INSTANCE_UMASK must be between 0 and 0o777, not {value!r}")
    return mask


def set_umask(setting) -> None:
    """Set the process's umask from the setting (gunicorn's workers inherit the master's)."""
    if (mask := parse_umask(setting)) is not None:
        os.umask(mask)


def narrow(paths) -> None:
    """Take group and other permissions away from these files, where they exist as files."""
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) and mode & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & 0o700)


def sqlite_files(database: Path) -> list[Path]:
    """The database file and the two SQLite keeps beside it in WAL mode."""
    return [database] + [database.with_name(database.name + end) for end in ("-wal", "-shm")]


def refuse_link(path: Path, what: str) -> None:
    """Raise LinkRefused when `path` is a symbolic link (one to nowhere too)."""
    if path.is_symlink():
        target = os.readlink(path)
        raise LinkRefused(
            f"{path} is a symbolic link (to {target}): {what} never follow links. "
            "Give the real path instead."
        )


def create_private(path: Path) -> None:
    """Make `path` a plain file readable by its owner only (kept if it exists), never a link."""
    refuse_link(path, "backups and restores")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | NO_FOLLOW, OWNER_ONLY)
    try:
        os.fchmod(fd, OWNER_ONLY)
    finally:
        os.close(fd)
