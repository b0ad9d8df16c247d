"""Office plan tests read pages in English (the msgids); a staff member, a plan, a PDF."""

import pytest

from participa.auth.models import Role
from participa.officeplan import plan
from participa.officeplan.models import ActivityStatus
from tests.proposals.helpers import pdf_bytes

PDF = pdf_bytes()


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def staff(make):
    return make.user(Role.STAFF)


@pytest.fixture
def work_plan(staff):
    """The 2026 plan: 1 (Nov-Dec, in progress), 1.1 (Nov, pending), 2 (Dec, done)."""
    made = plan.create_plan(staff, 2026, "Programa anual 2026")
    first = plan.add_activity(
        staff,
        made,
        plan.ActivityData(
            "1", "Capacitación", None, 11, 12, "Jefatura", ActivityStatus.IN_PROGRESS
        ),
    )
    plan.add_activity(
        staff, made, plan.ActivityData("1.1", "Gestionar taller", first.id, 11, 11, "Ana")
    )
    plan.add_activity(
        staff,
        made,
        plan.ActivityData("2", "Presupuesto", None, 12, 12, "Compras", ActivityStatus.DONE),
    )
    return made
