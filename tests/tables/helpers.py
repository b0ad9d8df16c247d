"""Small builders for the table tests: staff, a table on a consultation or a PB ballot."""

from datetime import date

import sqlalchemy as sa

from participa.auth.models import Role
from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.tables import services
from participa.tables.lookup import look_up
from tests.budgets.test_voting import open_ballot
from tests.factories import curp_for

TODAY = date(2026, 12, 1)


def staff(make, n: int = 1):
    return [make.user(Role.STAFF) for _ in range(n)]


def consultation_table(make, *, people=1, **process_fields):
    """(colonias, process, table, [staff…]) for an open consultation with every kind."""
    colonias = make.territory()
    process = make.consultation(**process_fields)
    team = staff(make, people)
    table = services.save_table(
        team[0],
        process,
        None,
        services.TableData(name="Mesa 1", place="Escuela", staff_ids=tuple(u.id for u in team)),
    )
    return colonias, process, table, team


def pb_table(make, rule, *, people=1):
    colonias = make.territory()
    process, ballot, projects = open_ballot(make, rule)
    team = staff(make, people)
    table = services.save_table(
        team[0],
        process,
        None,
        services.TableData(
            name="Mesa PB", pb_ballot_id=ballot.id, staff_ids=tuple(u.id for u in team)
        ),
    )
    return colonias, process, ballot, projects, table, team


def walk_in(colonia, birth=date(1980, 3, 2), sex="H"):
    """A person with a CURP and no account, looked up at the table.

    The fixtures' processes all keep the default rule (registered residents), under which the
    look-up gives the same person for any process: the first one stands for them all.
    """
    process = db.session.execute(sa.select(Process).order_by(Process.id)).scalars().first()
    return look_up(process, curp_for(birth, sex), colonia.id, TODAY)


def answers(process, choice: int = 0) -> dict:
    """Valid answers for the consultation of `make.consultation()`."""
    found = {q.kind: q for q in questions(process)}
    return {
        found[QuestionKind.SINGLE].id: found[QuestionKind.SINGLE].options[choice].id,
        found[QuestionKind.MULTIPLE].id: [found[QuestionKind.MULTIPLE].options[0].id],
        found[QuestionKind.RANKING].id: [],
        found[QuestionKind.SCALE].id: 4,
        found[QuestionKind.YES_NO].id: 1,
        found[QuestionKind.TEXT].id: "",
    }


def form_data(process, choice: int = 0) -> dict:
    """The same answers as the answer form posts them."""
    found = {q.kind: q for q in questions(process)}
    return {
        f"q{found[QuestionKind.SINGLE].id}": str(found[QuestionKind.SINGLE].options[choice].id),
        f"q{found[QuestionKind.MULTIPLE].id}": [str(found[QuestionKind.MULTIPLE].options[0].id)],
        f"q{found[QuestionKind.SCALE].id}": "4",
        f"q{found[QuestionKind.YES_NO].id}": "1",
        f"q{found[QuestionKind.TEXT].id}": "",
    }


def desk(table, actor, voter, content):
    return services.desk_vote(
        actor, table, voter, content, now=utcnow(), today=TODAY, max_text=2000
    )
