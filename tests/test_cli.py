"""Command-line tools: the demo loader and the administrator account."""

from collections import Counter
from datetime import timedelta

import pytest

from participa.auth.curp import parse_curp
from participa.auth.models import Role, User
from participa.consultations.models import Participation, Response
from participa.core import jobs
from participa.core.timeutil import utcnow
from participa.council.models import CouncilMember
from participa.events import registration
from participa.events.models import Event
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.residents.reminders import tomorrow_bounds
from participa.territory.models import Colonia, Delegacion
from tests.factories import login, municipal_today
from tests.mailbox import outbox_messages

DEMO_EMAILS = {
    Role.ADMIN: "admin@participa.local",
    Role.STAFF: "personal@participa.local",
    Role.COUNCIL: "consejo@participa.local",
    Role.CITIZEN: "vecina@participa.local",
}


def count(model, *where) -> int:
    query = db.select(db.func.count()).select_from(model)
    return db.session.execute(query.where(*where)).scalar_one()


@pytest.fixture
def seeded(app, runner, tmp_path):
    """The demo loaded with 200 synthetic answers; the CLI result."""
    app.instance_path = str(tmp_path)  # the accounts file goes here, not to the real instance
    result = runner.invoke(args=["seed-demo", "--responses", "200"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_demo_loads_accounts_territory_and_consultations(seeded, tmp_path):
    for role, email in DEMO_EMAILS.items():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        assert user.role is role
    roles = Counter(db.session.execute(db.select(User.role)).scalars())
    # The works demo adds four council members, so a prioritisation round has five scorers.
    assert roles == {Role.ADMIN: 1, Role.STAFF: 1, Role.COUNCIL: 1 + 4, Role.CITIZEN: 1 + 200}
    # Those who score priorities are the CMPC's members: every council account is one.
    council_ids = set(
        db.session.execute(db.select(User.id).where(User.role == Role.COUNCIL)).scalars()
    )
    linked = set(db.session.execute(db.select(CouncilMember.user_id)).scalars())
    assert council_ids <= linked
    assert count(Delegacion) >= 2 and count(Colonia) > count(Delegacion)

    # The consultations: one finished with its answers, one open (budgets have their own).
    consultations = db.select(Process).where(Process.type == ProcessType.CONSULTA)
    processes = {p.status: p for p in db.session.execute(consultations).scalars()}
    assert {ProcessStatus.OPEN, ProcessStatus.RESULTS_PUBLISHED} <= set(processes)
    finished = processes[ProcessStatus.RESULTS_PUBLISHED]
    assert count(Response, Response.process_id == finished.id) == 200
    assert count(Participation, Participation.process_id == finished.id) == 200
    assert count(Participation, Participation.process_id == processes[ProcessStatus.OPEN].id) == 0
    assert (tmp_path / "demo-accounts.txt").read_text().count("@participa.local") == 4 + 4


def test_seed_demo_prints_passwords_that_work(seeded, client):
    lines = [line.split() for line in seeded.output.splitlines() if "@participa.local" in line]
    assert {role for role, _, _ in lines} == {r.value for r in Role}
    admin = next(line for line in lines if line[0] == "admin")
    assert login(client, admin[1], "not-the-password").status_code == 400
    assert login(client, admin[1], admin[2]).status_code == 302
    assert client.get("/admin/usuarios").status_code == 200


def test_demo_curps_are_valid_unique_and_agree_with_the_person(seeded):
    people = db.session.execute(
        db.select(User.curp, User.birth_date, User.sex).where(User.curp.is_not(None))
    ).all()
    assert len(people) == 201
    assert len({curp for curp, _, _ in people}) == len(people)
    for curp, birth, sex in people:
        info = parse_curp(curp)
        assert (info.birth_date, info.sex) == (birth, sex)
        assert "blacklisted_word" not in info.warnings


def test_participation_keys_are_the_residents_curps(seeded):
    keys = set(db.session.execute(db.select(Participation.voter_key)).scalars())
    curps = set(db.session.execute(db.select(User.curp).where(User.curp.is_not(None))).scalars())
    assert len(keys) == 200
    assert {key.removeprefix("curp:") for key in keys} <= curps


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, make):
    make.user(email="real@example.mx")
    result = runner.invoke(args=["seed-demo", "--if-empty", "--responses", "10"])
    assert result.exit_code == 0
    assert count(User) == 1
    assert count(Delegacion) == 0


def test_seed_demo_refuses_a_used_database(app, runner, make):
    make.user(email="real@example.mx")
    result = runner.invoke(args=["seed-demo", "--responses", "10"])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert count(User) == 1
    assert count(Process) == 0


def test_create_admin(runner, client):
    result = runner.invoke(
        args=[
            "create-admin",
            "--name",
            "Directora de Sistemas",
            "--email",
            "Sistemas@Municipio.gob.mx",
            "--password",
            "una-contraseña-larga",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert (user.name, user.email, user.role) == (
        "Directora de Sistemas",
        "sistemas@municipio.gob.mx",
        Role.ADMIN,
    )
    assert user.password_hash != "una-contraseña-larga"
    assert login(client, "sistemas@municipio.gob.mx", "una-contraseña-larga").status_code == 302
    assert client.get("/admin/usuarios").status_code == 200


def test_create_admin_asks_for_the_password_twice(runner):
    result = runner.invoke(
        args=["create-admin", "--name", "Ana", "--email", "ana@municipio.gob.mx"],
        input="uno-uno-uno\ndos-dos-dos\nuno-uno-uno\nuno-uno-uno\n",
    )
    assert result.exit_code == 0, result.output
    assert count(User, User.role == Role.ADMIN) == 1


def test_without_a_queue_a_command_returns_once_its_jobs_ended(app, make, runner):
    colonias = make.territory()
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.ASAMBLEA, title="Asambleas")
    starts = tomorrow_bounds(utcnow())[0] + timedelta(hours=18)
    ends = starts + timedelta(hours=2)
    tomorrow = Event(process_id=process.id, title="Asamblea", starts_at=starts, ends_at=ends)
    db.session.add(tomorrow)
    db.session.commit()
    person = make.user(colonia=colonias["Lomas"])
    registration.register(tomorrow.id, person, now=utcnow(), today=municipal_today())
    app.config["JOBS_MODE"] = "thread"  # the embedded fallback, as without Redis
    result = runner.invoke(args=["notifications-send-reminders"])
    assert "Event reminders sent: 1." in result.output
    assert jobs.running() == []  # no daemon thread left to die with the command
    assert [m["To"] for m in outbox_messages(app)] == [person.email]


def test_jobs_mode_says_whether_a_worker_is_needed(app, runner):
    assert runner.invoke(args=["jobs-mode"]).output == "inline\n"  # the tests' setting
    app.config.update(JOBS_MODE="auto", JOBS_REDIS_URL="redis://127.0.0.1:6379/9")
    assert runner.invoke(args=["jobs-mode"]).output == "rq\n"
    app.config["JOBS_REDIS_URL"] = ""
    assert runner.invoke(args=["jobs-mode"]).output == "thread\n"
