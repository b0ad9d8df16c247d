"""Uploads kept for a background job: owner-only files under instance/uploads/<area>/.

A page stores the file and hands the job its random name (a job's arguments are plain
values, and the file may be larger than a job record should hold); the job reads it and
deletes it when it ends, unless the attempt is retried (participa/eligibility/roll_jobs.py,
participa/territory/boundary_jobs.py). A job whose worker died after its last attempt is
failed by the clock and never deletes its file: `expire`, a periodic job, deletes what is
older than UPLOADS_KEEP seconds (a roll file holds CURPs).
"""

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participa.core import jobclock, jobs

# The areas of uploads kept for jobs; instance/uploads/ also holds photos, kept for good.
AREAS = ("rolls", "boundaries")
NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{2,8}$")  # as `store` names them
GONE = _l("The uploaded file is no longer kept: upload it again.")


def folder(area: str) -> Path:
    """The folder of `area` (one of AREAS), made owner-only when missing."""
    if area not in AREAS:
        raise ValueError(f"not an area of stored uploads: {area}")
    found = Path(current_app.instance_path) / "uploads" / area
    found.mkdir(mode=0o700, parents=True, exist_ok=True)
    return found


def path(area: str, name: str) -> Path:
    """Where the stored upload `name` of `area` lives (a name `store` gave, nothing else)."""
    if not NAME.match(name):
        raise ValueError(f"not the name of a stored upload: {name!r}")
    return folder(area) / name


def read(area: str, name: str) -> bytes:
    """The stored upload's bytes, for its job; jobs.Refused when it is gone (deleted after
    UPLOADS_KEEP while its job waited, or by hand): a retry would not bring it back."""
    try:
        return path(area, name).read_bytes()
    except FileNotFoundError:
        raise jobs.Refused(_(GONE)) from None


def store(area: str, data: bytes, suffix: str) -> str:
    """Keep `data` for a job, readable by this server's user only; its new name."""
    name = f"{secrets.token_hex(16)}{suffix}"
    descriptor = os.open(path(area, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name


def expire() -> int:
    """Delete the stored uploads older than UPLOADS_KEEP seconds; how many (a periodic job)."""
    oldest = time.time() - current_app.config.get("UPLOADS_KEEP", 86400)
    deleted = 0
    for area in AREAS:
        for file in folder(area).iterdir():
            try:
                old = file.is_file() and file.stat().st_mtime < oldest
            except FileNotFoundError:  # its job deleted it meanwhile
                continue
            if old:
                file.unlink(missing_ok=True)
                deleted += 1
    return deleted


jobclock.periodic(
    "uploads-expire", "UPLOADS_KEEP", expire, jobs.N_("Deletion of old stored uploads")
)
