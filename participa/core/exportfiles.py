"""Files that export jobs write for staff: instance/exports/, owner-only, deleted when old.

A job writes its rows to `<job id>-<download name>` as it reads them (constant memory), with
its progress every few thousand rows; staff download it from the jobs page until
EXPORTS_KEEP seconds after it was written (participa/background/views.py serves it).
"""

import csv
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import current_app

from participa.core import jobclock, jobs
from participa.core.csvfile import safe_cell
from participa.core.numbers import number as format_number

PROGRESS_EVERY = 5000  # rows between two progress reports
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def folder() -> Path:
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_path(job_id: int, download_name: str) -> Path:
    return folder() / f"{job_id}-{SAFE_NAME.sub('_', download_name)}"


def with_progress(rows: Iterable, total: int) -> Iterator:
    """Pass `rows` on, telling the job every PROGRESS_EVERY rows how far it is."""
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            jobs.progress(
                99 * number / max(total, 1), f"{format_number(number)} / {format_number(total)}"
            )
        yield row


def _open(download_name: str):
    path = stored_path(jobs.CURRENT.get(), download_name)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def write_csv(rows: Iterable[Iterable], download_name: str, total: int) -> jobs.Outcome:
    """Inside a job: write `rows` (a header, then about `total` rows) as the job's CSV file."""
    with os.fdopen(_open(download_name), "w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")  # a BOM so spreadsheet programs read the accents right
        writer = csv.writer(handle)
        for row in with_progress(rows, total):
            writer.writerow([safe_cell(value) for value in row])
    return jobs.Outcome(file=download_name)


def write_chunks(chunks: Iterable[bytes], download_name: str) -> jobs.Outcome:
    """Inside a job: write a file made elsewhere (an XLSX) as the job's file."""
    with os.fdopen(_open(download_name), "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return jobs.Outcome(file=download_name)


def expire() -> int:
    """Delete the export files older than EXPORTS_KEEP seconds; how many (a periodic job)."""
    oldest = time.time() - current_app.config.get("EXPORTS_KEEP", 86400)
    deleted = 0
    for path in folder().iterdir():
        if path.is_file() and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


jobclock.periodic("exports-expire", "EXPORTS_KEEP", expire, jobs.N_("Deletion of old export files"))
