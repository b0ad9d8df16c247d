"""Sybil resistance by default: a new budget or consultation admits people on the roll or
verified in person; "registered residents" is a choice staff make after a warning, audited."""

import json
import re

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets import voting
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.eligibility import desk, rules
from participa.eligibility.models import EligibilityRule, IdKind
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.services import ProcessData, create_process
from participa.processes.types import ProcessStatus, ProcessType
from tests.eligibility.helpers import TODAY
from tests.factories import login
from tests.processes.test_processes import new_process


def _created(client, kind: ProcessType) -> Process:
    made = new_process(client, type=kind.value, title=f"Proceso {kind.value}")
    assert made.status_code == 302
    return db.session.execute(sa.select(Process).order_by(Process.id.desc())).scalars().first()


def _rule_events(process) -> list[dict]:
    query = sa.select(AuditEvent).where(
        AuditEvent.action == "eligibility.rule", AuditEvent.object_id == str(process.id)
    )
    return [{"actor": e.actor_id, **json.loads(e.details)} for e in db.session.scalars(query)]


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


@pytest.mark.parametrize("kind", [ProcessType.PRESUPUESTO, ProcessType.CONSULTA])
def test_a_new_process_that_decides_defaults_to_roll_or_verified(client, staff, kind):
    process = _created(client, kind)
    assert rules.rule_for(process) is EligibilityRule.ROLL_OR_VERIFIED
    assert _rule_events(process) == [
        {"actor": staff.id, "rule": "roll_or_verified", "default": True}
    ]
    page = client.get(f"/gestion/procesos/{process.id}/participacion").text
    assert re.search(
        r'value="roll_or_verified"[^>]*checked|checked[^>]*value="roll_or_verified"', page
    )


def test_a_process_that_decides_nothing_keeps_registered_residents(client, staff):
    process = _created(client, ProcessType.DEBATE)
    assert rules.rule_for(process) is EligibilityRule.REGISTERED
    assert _rule_events(process) == []


def test_choosing_registered_residents_warns_staff_and_is_audited(client, staff):
    process = _created(client, ProcessType.PRESUPUESTO)
    url = f"/gestion/procesos/{process.id}/participacion"
    with client.application.test_request_context():
        warning = str(rules.REGISTERED_WARNING)
    assert 'id="registered-warning"' in client.get(url).text
    saved = client.post(url, data={"rule": "registered"}, follow_redirects=True)
    assert "flash-warning" in saved.text and warning in saved.text
    db.session.expire_all()
    assert rules.rule_for(process) is EligibilityRule.REGISTERED
    assert _rule_events(process)[-1] == {
        "actor": staff.id,
        "rule": "registered",
        "warned_several_votes_per_person": True,
    }
    # Choosing a safe rule again warns of nothing.
    again = client.post(url, data={"rule": "verified"}, follow_redirects=True)
    assert "flash-warning" not in again.text
    assert "warned_several_votes_per_person" not in _rule_events(process)[-1]


def _open_budget(actor, title: str, rule: EligibilityRule | None = None):
    """A PB process made as staff make it (so with the default rule unless `rule` is chosen
    afterwards), open, with one ballot and one project: return (ballot, project)."""
    process = create_process(actor, ProcessData(type=ProcessType.PRESUPUESTO, title=title))
    if rule is not None:
        rules.save_rule(actor, process, rule)
    ballot = PbBallot(process_id=process.id, name="Todo", amount=1000, rule=BallotRule.APPROVAL)
    db.session.add(ballot)
    db.session.flush()
    project = PbProject(
        ballot_id=ballot.id, title="Parque", estimated_cost=500, cost=500,
        status=ProjectStatus.FEASIBLE,
    )  # fmt: skip
    db.session.add(project)
    process.status = ProcessStatus.OPEN
    db.session.commit()
    return ballot, project


def _vote(ballot, project, person):
    return voting.cast_vote(ballot, person, {project.id: 1}, now=utcnow(), today=TODAY)


def test_by_default_accounts_with_invented_curps_cannot_vote(make):
    """One person, two e-mail addresses, two generated (checksum-valid) CURPs: under the
    default neither account votes until verified in person; under "registered residents"
    both vote, which is what the warning says."""
    clerk, centro = make.user(Role.STAFF), make.territory()["Centro"]
    ballot, project = _open_budget(clerk, "PB 2027")
    first, second = (
        make.user(colonia=centro, email=f"misma.persona+{n}@example.mx") for n in (1, 2)
    )
    for account in (first, second):
        with pytest.raises(DomainError) as refused:
            _vote(ballot, project, account)
        assert refused.value.args[0] == rules.NOT_ON_ROLL_OR_VERIFIED
    # Verified in person (an ID was seen), the first account votes; the second stays out.
    desk.verify(clerk, first, IdKind.INE, "", utcnow())
    db.session.commit()
    assert _vote(ballot, project, first)
    with pytest.raises(DomainError):
        _vote(ballot, project, second)

    # The same two accounts where staff chose "registered residents": both vote.
    open_ballot, open_project = _open_budget(clerk, "PB 2028", EligibilityRule.REGISTERED)
    assert _vote(open_ballot, open_project, first) and _vote(open_ballot, open_project, second)
