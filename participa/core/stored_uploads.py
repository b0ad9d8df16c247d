"""Uploads kept for a background job: owner-only files under instance/uploads/<area>/.

A page stores the file and hands the job its random name (a job's arguments are plain
values, and the file may be larger than a job record should hold); the job reads it and
deletes it when it ends, unless the attempt is retried (participa/eligibility/roll_jobs.py,
participa/territory/boundary_jobs.py).
"""

import os
import secrets
from pathlib import Path

from flask import current_app


def path(area: str, name: str) -> Path:
    """Where the stored upload `name` of `area` ("rolls", "boundaries") lives."""
    folder = Path(current_app.instance_path) / "uploads" / area
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / name


def store(area: str, data: bytes, suffix: str) -> str:
    """Keep `data` for a job, readable by this server's user only; its new name."""
    name = f"{secrets.token_hex(16)}{suffix}"
    descriptor = os.open(path(area, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name
