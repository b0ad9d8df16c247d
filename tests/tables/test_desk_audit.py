"""A desk vote and its audit event commit together or not at all: never a stored vote
without its receipt, never a 500 when the audit log cannot be written."""

import re

import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.budgets.models import BallotRule, PbParticipation, PbVote
from participa.consultations.models import Participation, Response
from participa.extensions import db
from participa.tables.models import TableService
from tests.audit.conftest import failing_writes
from tests.factories import login
from tests.tables.helpers import consultation_table, form_data, pb_table

RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def stored(*models) -> list[int]:
    return [db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar() for m in models]


def person_at_the_tablet(client, clerk, process, table, resident) -> str:
    """Log the clerk in and look the resident up at the tablet; return the table's URL."""
    login(client, clerk.email)
    base = f"/gestion/procesos/{process.id}/mesas/{table.id}"
    client.post(f"{base}/tableta", data={"key": resident.curp, "colonia_id": ""})
    return base


def test_a_desk_vote_whose_audit_fails_is_not_stored_and_the_clerk_is_told(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Lomas"])
    base = person_at_the_tablet(client, clerk, process, table, resident)
    (events_before,) = stored(AuditEvent)

    with failing_writes("audit_event"):  # the append fails once
        refused = client.post(f"{base}/tableta/votar", data=form_data(process))
    assert refused.status_code == 400
    assert "the audit log could not record it" in refused.get_data(as_text=True)
    assert stored(Participation, Response, TableService, AuditEvent) == [0, 0, 0, events_before]

    again = client.post(f"{base}/tableta/votar", data=form_data(process))  # the clerk retries
    assert again.status_code == 302
    slip = client.get(f"{base}/tableta/comprobante").get_data(as_text=True)
    assert RECEIPT.search(slip)
    assert stored(Participation, Response, TableService) == [1, 1, 1]
    actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert actions.count("table.desk") == 1


def test_a_pb_desk_vote_whose_audit_fails_is_not_stored(client, make):
    colonias, process, ballot, projects, table, (clerk,) = pb_table(make, BallotRule.APPROVAL)
    resident = make.user(colonia=colonias["Centro"])
    base = person_at_the_tablet(client, clerk, process, table, resident)
    data = {"projects": [str(projects[0].id)]}

    with failing_writes("audit_event"):
        refused = client.post(f"{base}/tableta/votar", data=data)
    assert refused.status_code == 400, refused.get_data(as_text=True)[:2000]
    assert stored(PbParticipation, PbVote, TableService) == [0, 0, 0]
    assert client.post(f"{base}/tableta/votar", data=data).status_code == 302
    assert stored(PbParticipation, PbVote, TableService) == [1, 1, 1]


def test_a_paper_hand_out_whose_audit_fails_is_not_stored(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Lomas"])
    base = person_at_the_tablet(client, clerk, process, table, resident)

    with failing_writes("audit_event"):
        refused = client.post(f"{base}/tableta/papel")
    assert refused.status_code == 409
    assert "the audit log could not record it" in refused.get_data(as_text=True)
    assert stored(Participation, TableService) == [0, 0]
    assert client.post(f"{base}/tableta/papel").status_code == 302
    assert stored(Participation, TableService) == [1, 1]
