"""The demo loads the office's own year: plan 1 to 8.1 for November and December, and more."""

from participa.auth.models import Role
from participa.extensions import db
from participa.officeplan import guides, plan
from participa.officeplan.models import AdviceRecord, OfficeRequest, PlanActivity
from participa.processes.types import TYPE_LABELS
from tests.factories import login, municipal_today


def test_the_demo_loads_the_plan_requests_advice_and_guides(app, runner, tmp_path, client, make):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["seed-demo", "--responses", "10"])
    assert result.exit_code == 0, result.output
    year = municipal_today().year
    demo_plan = plan.plan_for(year)
    numbers = [a.number for a in plan.ordered(demo_plan)]
    assert numbers[0] == "1" and numbers[-1] == "8.1"
    assert {"1.1", "1.2", "4", "4.1", "5", "5.1", "8"} <= set(numbers)
    months = {(a.start_month, a.end_month) for a in demo_plan.activities}
    assert months <= {(11, 11), (11, 12), (12, 12)}
    subs = db.session.execute(
        db.select(PlanActivity).where(PlanActivity.number == "8.1")
    ).scalar_one()
    assert subs.parent.number == "8"
    assert db.session.execute(db.select(db.func.count()).select_from(OfficeRequest)).scalar() == 2
    assert db.session.execute(db.select(db.func.count()).select_from(AdviceRecord)).scalar() > 20
    assert len(guides.pages()) == len(TYPE_LABELS) + 1
    council = make.user(Role.COUNCIL, email="lectora@example.mx")
    login(client, council.email)
    page = client.get(f"/consejo/plan/{year}")
    assert page.status_code == 200 and "Capacitación al Consejo" in page.get_data(as_text=True)
