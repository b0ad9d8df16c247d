"""The backup archive: one tar.gz with the database snapshot, the uploads and the secret key.

It is written readable by its owner only and never over an existing file. Symbolic links are
refused both ways: a link in the uploads stops the backup (files are opened without following
links), and a restore reads only the names it knows, as regular files, into a folder of its
own. Every file is checked against the SHA-256 in the manifest before anything is put back.
"""

import hashlib
import io
import json
import os
import stat
import tarfile
import zlib
from pathlib import Path, PurePosixPath

MANIFEST = "MANIFEST.json"
FORMAT = "participa-backup"
VERSION = 1
DATABASE = "participa.db"
KEY = "secret_key"
UPLOADS = "uploads"
CHUNK = 1024 * 1024
NO_FOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class ArchiveError(Exception):
    """The archive cannot be written or read; the message says why, for the operator."""


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, handle):
        self.handle, self.sha256 = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


def key_fingerprint(secret_key: str) -> str:
    """A short, one-way name of a key, to tell whether two installations share it."""
    return hashlib.sha256(b"participa.backup-key:" + secret_key.encode()).hexdigest()[:16]


def upload_files(instance: Path) -> list[tuple[str, Path]]:
    """Every file under instance/uploads as (name in the archive, path); links refused."""
    root = instance / UPLOADS
    if not root.exists() and not root.is_symlink():
        return []
    found = []
    _refuse_unless(root, stat.S_ISDIR)
    for folder, dirs, names in os.walk(root):  # never descends into a link
        for name in dirs:
            _refuse_unless(Path(folder, name), stat.S_ISDIR)
        for name in names:
            path = Path(folder, name)
            _refuse_unless(path, stat.S_ISREG)
            found.append((path.relative_to(instance).as_posix(), path))
    return sorted(found)


def _refuse_unless(path: Path, kind) -> None:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise ArchiveError(f"{path} is a symbolic link: backups do not follow links.")
    if not kind(mode):
        raise ArchiveError(f"{path} is not a regular file or folder.")


def write_archive(target: Path, files: list[tuple[str, Path]], manifest: dict) -> None:
    """Write `files` and the manifest listing their checksums to `target` (a new file, 0600)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask: it holds personal data and the key
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                listed = {name: _add_file(tar, name, path) for name, path in files}
                manifest = {**manifest, "format": FORMAT, "version": VERSION, "files": listed}
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(data), 0o600
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        try:
            os.link(partial, target)  # unlike a rename, never replaces an existing file
        except FileExistsError:
            raise ArchiveError(f"{target} already exists: choose a new file name.") from None
    finally:
        partial.unlink(missing_ok=True)


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    try:
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW)
    except OSError as error:
        raise ArchiveError(f"{path} cannot be read without following a link: {error}") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ArchiveError(f"{path} is not a regular file.")
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        hashing = _Hashing(handle)
        tar.addfile(info, hashing)
    return {"sha256": hashing.sha256.hexdigest(), "size": status.st_size}


def unpack(archive: Path, staging: Path) -> dict:
    """Check `archive` and copy its files into `staging` (an empty folder); the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = _members(tar)
            manifest = json.loads(tar.extractfile(members.pop(MANIFEST)).read())
            listed = manifest["files"]
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise ArchiveError(f"{archive} is not a backup this version can read.")
            if set(listed) != set(members):
                raise ArchiveError(f"{archive} does not hold the files its manifest lists.")
            for name, member in members.items():
                digest = _extract(tar, member, staging / name)
                if digest != listed[name]["sha256"]:
                    raise ArchiveError(f"{archive} is damaged: {name} fails its checksum.")
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, KeyError) as error:
        raise ArchiveError(f"{archive} is not a readable Participa backup: {error}") from None
    return manifest


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    for member in tar.getmembers():
        name = _known_name(member.name)
        if name is None or not member.isreg() or name in members:
            raise ArchiveError(f"unexpected entry {member.name!r} (only files, no links)")
        members[name] = member
    if MANIFEST not in members:
        raise ArchiveError("no manifest")
    return members


def _known_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or any(p in ("", ".", "..") for p in path.parts):
        return None
    if name in (MANIFEST, DATABASE, KEY) or (path.parts[0] == UPLOADS and len(path.parts) >= 3):
        return path.as_posix()
    return None


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sha256 = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW, 0o600)
    with tar.extractfile(member) as source, os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            out.write(chunk)
    return sha256.hexdigest()
