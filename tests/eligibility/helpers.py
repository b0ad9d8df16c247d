"""Building blocks for eligibility tests: territory, people, CSV files, rolls and processes."""

import io
from datetime import date

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.eligibility import importing
from participa.eligibility.models import MUNICIPAL_SCOPE, EligibilityRule, ProcessEligibility
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.factories import login

TODAY = date(2026, 12, 1)


def voter_key(n: int) -> str:
    """A well-formed INE voter key, different for each `n`."""
    return f"GOMAAN880314{14:02d}M{n:03d}"


def csv_file(header: str, *lines: str, encoding: str = "utf-8") -> tuple[io.BytesIO, str]:
    return io.BytesIO("\n".join([header, *lines]).encode(encoding)), "padron.csv"


def audit_actions() -> list[str]:
    query = db.select(AuditEvent.action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


class Kit:
    def __init__(self, make):
        self.make = make
        self.colonias = make.territory()

    def resident(self, colonia="Centro", **fields):
        return self.make.user(colonia=self.colonias[colonia], **fields)

    def staff(self):
        return self.make.user(role=Role.STAFF)

    def staff_client(self, app):
        client = app.test_client()
        assert login(client, self.staff().email).status_code == 302
        return client

    def client_of(self, app, user):
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        return client

    def import_roll(self, text: str, process=None, actor=None):
        """Import CSV `text` into the municipal roll (or `process`'s); return the summary."""
        scope = f"proceso:{process.id}" if process else MUNICIPAL_SCOPE
        actor = actor or self.staff()
        return importing.import_roll(
            actor, scope, process.id if process else None, text.encode(), utcnow()
        )

    def restrict(self, process, rule: EligibilityRule):
        db.session.add(ProcessEligibility(process_id=process.id, rule=rule))
        db.session.commit()

    def process(self, status=ProcessStatus.OPEN, **fields):
        return self.make.process(status, **fields)
