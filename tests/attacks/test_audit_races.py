"""Fifty different audited staff actions at the same moment, over HTTP against gunicorn.

Every one extends the one audit chain: all fifty must be stored, none may answer 500, and the
chain must verify afterwards (tests/attacks/conftest.py: on SQLite and on PostgreSQL, where
two workers with sixteen threads each really do append at once).
"""

import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.audit.verify import verify_chain
from participa.auth.models import Role, User
from participa.eligibility.models import PersonVerification
from participa.extensions import db
from participa.processes.models import Process
from participa.tables import services as tables
from participa.tables.models import PaperBatch
from tests.factories import PASSWORD
from tests.liveserver import clone, csrf_token, login

pytestmark = pytest.mark.attacks

ACTIONS = 50


def at_once(server, client, form_page: str, posts: list[tuple[str, dict]]) -> Counter:
    """POST each (path, data) at once, each from its own copy of `client`'s session."""
    token = csrf_token(client.get(server.url + form_page, timeout=60).text)
    clients = [clone(client) for _ in posts]
    barrier = threading.Barrier(len(posts))
    statuses: list = [None] * len(posts)

    def attempt(index: int) -> None:
        path, data = posts[index]
        try:
            barrier.wait(timeout=60)
            response = clients[index].post(
                server.url + path,
                data={**data, "csrf_token": token},
                allow_redirects=False,
                timeout=120,
            )
            statuses[index] = response.status_code
        except (requests.RequestException, threading.BrokenBarrierError) as error:
            statuses[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(statuses)


def events(server, action: str) -> int:
    with server.context():
        query = sa.select(sa.func.count()).where(AuditEvent.action == action)
        return db.session.execute(query).scalar_one()


def assert_chain_intact(server) -> None:
    with server.context():
        report = verify_chain()
        assert report.intact, report.problems[:5]


def account(server, role: Role) -> str:
    with server.context():
        return server.make.user(role).email


def resident_ids(server, n: int) -> list[int]:
    emails = server.residents(n)
    with server.context():
        query = sa.select(User.id).where(User.email.in_(emails))
        return list(db.session.execute(query).scalars())


def test_fifty_admins_block_then_unblock_fifty_people_at_once(live):
    people = resident_ids(live, ACTIONS)
    admin = login(live, account(live, Role.ADMIN), PASSWORD)
    for action, verb in (("user.block", "bloquear"), ("user.unblock", "desbloquear")):
        posts = [(f"/admin/usuarios/{i}/{verb}", {}) for i in people]
        assert at_once(live, admin, "/admin/usuarios", posts) == Counter({302: ACTIONS})
        assert events(live, action) == ACTIONS
    with live.context():
        query = sa.select(sa.func.count()).where(User.id.in_(people), User.active.is_(True))
        assert db.session.execute(query).scalar_one() == ACTIONS
    assert_chain_intact(live)


def test_verification_desks_verify_fifty_people_at_once(live):
    people = resident_ids(live, ACTIONS)
    desk = login(live, account(live, Role.STAFF), PASSWORD)
    posts = [
        (f"/gestion/mesa-verificacion/personas/{i}/verificar", {"id_kind": "ine", "note": ""})
        for i in people
    ]
    assert at_once(live, desk, "/gestion/mesa-verificacion/", posts) == Counter({302: ACTIONS})
    with live.context():
        query = sa.select(sa.func.count(PersonVerification.user_id.distinct()))
        assert (
            db.session.execute(query.where(PersonVerification.user_id.in_(people))).scalar()
            == ACTIONS
        )
    assert events(live, "eligibility.verify") == ACTIONS
    assert_chain_intact(live)


def test_moderators_block_fifty_accounts_at_once(live):
    people = resident_ids(live, ACTIONS)
    moderator = login(live, account(live, Role.STAFF), PASSWORD)
    posts = [(f"/gestion/moderacion/cuentas/{i}/bloquear", {}) for i in people]
    assert at_once(live, moderator, "/gestion/moderacion/", posts) == Counter({302: ACTIONS})
    assert events(live, "moderation.block") == ACTIONS
    assert_chain_intact(live)


def test_typists_open_fifty_paper_batches_at_once(live):
    typist_email = account(live, Role.STAFF)
    with live.context():
        typist = db.session.execute(sa.select(User).where(User.email == typist_email)).scalar_one()
        process = db.session.get(Process, live.seed["consultation_id"])
        table_ids = [
            tables.save_table(
                typist,
                process,
                None,
                tables.TableData(name=f"Mesa {n}", place="Escuela", staff_ids=(typist.id,)),
            ).id
            for n in range(ACTIONS)
        ]
    base = f"/gestion/procesos/{live.seed['consultation_id']}/mesas"
    typists = login(live, typist_email, PASSWORD)
    posts = [(f"{base}/{t}/lotes", {"size": "10"}) for t in table_ids]
    assert at_once(live, typists, f"{base}/{table_ids[0]}", posts) == Counter({302: ACTIONS})
    with live.context():
        query = sa.select(sa.func.count()).where(PaperBatch.table_id.in_(table_ids))
        assert db.session.execute(query).scalar_one() == ACTIONS
    assert events(live, "table.batch.new") == ACTIONS
    assert_chain_intact(live)
