"""Durability: SIGKILL the server while residents vote; no acknowledged ballot is lost.

Several threads, each a different resident, answer the consultation and vote the PB ballot
over HTTP and record every receipt code the server showed them. Once enough have been shown,
the whole gunicorn process group is killed with SIGKILL (no cleanup, no flush). After a
restart every shown receipt is found on the public page `/recibos`, the database holds as many
participation records as ballots (no half-written ballot), and SQLite's integrity check is ok.
"""

import sqlite3
import threading
import time

import pytest
import requests
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from participa.budgets.models import PbParticipation, PbVote, PbVoteItem
from participa.consultations.models import Answer, Participation, Response
from participa.extensions import db
from tests.attacks.test_http_races import consultation_body, vote_path
from tests.liveserver import RECEIPT_CODE, csrf_token, login

pytestmark = pytest.mark.attacks

VOTERS = 60
THREADS = 8
KILL_AFTER = 30  # receipts shown before the kill


def take_part(server, email: str, body: dict, acknowledged: list, lock) -> None:
    """Log in, answer the consultation, vote; record each receipt code the server shows."""
    client = login(server, email)
    consultation = f"{server.url}/procesos/{server.seed['consultation_id']}/responder"
    ballot = server.url + vote_path(server)
    ids = server.seed["project_ids"]
    for url, data in (
        (consultation, body),
        (ballot, {"step": "confirm", "projects": [str(ids[1]), str(ids[4])]}),
    ):
        token = csrf_token(client.get(url, timeout=10).text)
        response = client.post(url, data={**data, "csrf_token": token}, timeout=10)
        assert response.status_code == 200, response.status_code
        code = RECEIPT_CODE.search(response.text)
        assert code, response.text[:300]
        with lock:
            acknowledged.append(code.group(1))


def vote_until_killed(server, emails: list[str]) -> list[str]:
    """Residents vote from THREADS threads; SIGKILL the server mid-stream; return receipts."""
    body = consultation_body(server)
    acknowledged: list[str] = []
    lock = threading.Lock()

    def worker(chunk: list[str]) -> None:
        for email in chunk:
            try:
                take_part(server, email, body, acknowledged, lock)
            except (requests.RequestException, AssertionError):
                return  # the server is gone: what was shown is what counts

    threads = [threading.Thread(target=worker, args=(emails[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= KILL_AFTER, server.log_text()
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) < 2 * VOTERS  # killed mid-stream, not after everyone voted
    with lock:
        return list(acknowledged)


def receipt_is_counted(client, server, code: str, counted: list[str]) -> bool:
    page = client.get(f"{server.url}/recibos", timeout=10)
    data = {"codigo": code, "csrf_token": csrf_token(page.text)}
    answer = client.post(f"{server.url}/recibos", data=data, timeout=10).text
    return any(message in answer for message in counted)


def count(model, **where) -> int:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    return db.session.execute(query).scalar_one()


def check_after_restart(server, acknowledged: list[str]) -> None:
    server.start()
    with server.app.test_request_context(), force_locale("es_MX"):
        counted = [
            gettext("This receipt is in the count of “%(title)s”.", title=title)
            for title in ("Consulta en vivo", "Presupuesto en vivo")
        ]
    client = requests.Session()
    missing = [
        code for code in acknowledged if not receipt_is_counted(client, server, code, counted)
    ]
    assert not missing, (len(missing), len(acknowledged))
    assert not receipt_is_counted(client, server, "2222-3333-4444", counted)  # the check can fail

    with server.context():
        process_id, ballot_id = server.seed["consultation_id"], server.seed["ballot_id"]
        participations = count(Participation, process_id=process_id)
        assert participations == count(Response, process_id=process_id)
        assert count(Answer) == 6 * participations  # no half-written response
        votes = count(PbParticipation, ballot_id=ballot_id)
        assert votes == count(PbVote, ballot_id=ballot_id)
        assert count(PbVoteItem) == 2 * votes
        assert participations + votes >= len(acknowledged)


def test_sigkill_while_voting_loses_no_acknowledged_ballot(fresh_live):
    server = fresh_live
    emails = server.residents(VOTERS)
    server.start()

    acknowledged = vote_until_killed(server, emails)

    if server.database_url.startswith("sqlite"):
        path = server.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check_after_restart(server, acknowledged)


def test_sqlite_connections_use_wal_and_sync_every_commit(tmp_path):
    """The settings that make the promise hold: WAL, and FULL sync (power cuts too)."""
    from tests.liveserver import sqlite_server

    server = sqlite_server(tmp_path)
    with server.context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    server.dispose()
