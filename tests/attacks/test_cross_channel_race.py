"""One resident at once on the web and at an in-person table, over HTTP against gunicorn.

Twenty-five copies of the resident's web session and twenty-five copies of a table clerk's
session (the resident looked up by CURP on the tablet) post the same ballot together; the
unique (ballot, voter key) constraint lets exactly one of them in, whichever channel.
"""

import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from participa.auth.models import Role, User
from participa.budgets.models import PbParticipation, PbVote
from participa.extensions import db
from participa.processes.models import Process
from participa.tables import services
from tests.liveserver import clone, csrf_token, login

pytestmark = pytest.mark.attacks

EACH = 25


def _table(server) -> tuple[str, str]:
    """A table at the seeded ballot, served by a new clerk: (clerk e-mail, table path)."""
    with server.context():
        clerk = server.make.user(Role.STAFF)
        process = db.session.get(Process, server.seed["pb_process_id"])
        data = services.TableData(
            name="Mesa en vivo",
            place="Plaza",
            pb_ballot_id=server.seed["ballot_id"],
            staff_ids=(clerk.id,),
        )
        table = services.save_table(clerk, process, None, data)
        return clerk.email, f"/gestion/procesos/{process.id}/mesas/{table.id}/tableta"


def test_web_and_table_at_once_store_one_ballot(live):
    (email,) = live.residents(1)
    with live.context():
        curp = db.session.execute(sa.select(User.curp).where(User.email == email)).scalar_one()
    clerk_email, tablet = _table(live)
    first = live.seed["project_ids"][0]
    web_path = f"/procesos/{live.seed['pb_process_id']}/boletas/{live.seed['ballot_id']}/votar"

    clerk = login(live, clerk_email)
    page = clerk.get(live.url + tablet, timeout=60).text
    found = clerk.post(
        live.url + tablet,
        data={"key": curp, "colonia_id": "", "csrf_token": csrf_token(page)},
        allow_redirects=False,
        timeout=60,
    )
    assert found.status_code == 302, found.text[:500]  # the person is on the tablet now
    resident = login(live, email)
    attempts = [
        (clone(resident), web_path, {"projects": [str(first)], "step": "confirm"})
        for _ in range(EACH)
    ] + [(clone(clerk), f"{tablet}/votar", {"projects": [str(first)]}) for _ in range(EACH)]
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def attempt(index: int) -> None:
        client, path, body = attempts[index]
        try:
            token = csrf_token(client.get(live.url + path, timeout=60).text)
            barrier.wait(timeout=60)
            response = client.post(
                live.url + path,
                data={**body, "csrf_token": token},
                allow_redirects=False,
                timeout=90,
            )
            results[index] = response.status_code
        except (requests.RequestException, threading.BrokenBarrierError, AssertionError) as error:
            results[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    statuses = Counter(results)
    assert statuses[302] == 1, (statuses, live.log_text())
    assert set(statuses) <= {302, 409}, statuses  # the rest: "already voted", no 500
    ballot_id = live.seed["ballot_id"]
    with live.context():
        people = db.session.execute(
            sa.select(sa.func.count()).select_from(PbParticipation).filter_by(ballot_id=ballot_id)
        ).scalar_one()
        votes = db.session.execute(
            sa.select(sa.func.count()).select_from(PbVote).filter_by(ballot_id=ballot_id)
        ).scalar_one()
    # One person, one participation and one secret vote, whichever channel won (this module's
    # server is its own: the ballot had no vote before).
    assert (people, votes) == (1, 1)
    with live.context():
        key = db.session.execute(
            sa.select(sa.func.count())
            .select_from(PbParticipation)
            .where(
                PbParticipation.ballot_id == ballot_id, PbParticipation.voter_key == f"curp:{curp}"
            )
        ).scalar_one()
    assert key == 1
