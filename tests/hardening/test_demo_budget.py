"""The demo's finished budget (participa/demo/finished_budget.py): counted by the counting
code and stored like a real count, published, its funded projects under way; the council
sees it on the first start, and every budget's description says its amount."""

import re

from participa.budgets.ballots import ballots
from participa.budgets.counts import status
from participa.budgets.models import ExecutionStatus
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from tests.hardening.test_rendered_pages import bad_numbers


def _finished() -> Process:
    query = db.select(Process).where(Process.title == "Presupuesto participativo 2026")
    return db.session.execute(query).scalar_one()


def test_the_finished_budget_is_counted_published_and_under_way(world):
    process = _finished()
    assert process.status is ProcessStatus.RESULTS_PUBLISHED
    [ballot] = ballots(process)
    count = status(ballot, utcnow())
    assert count.current and count.comparison.voters > 20  # stored, and still current
    assert ballot.outcome.published and ballot.outcome.rule == "greedy"
    winners = set(count.comparison.greedy.winners)
    assert {p.id for p in ballot.projects if p.progress} <= winners
    states = {p.execution_status for p in ballot.projects if p.id in winners}
    assert states == {ExecutionStatus.DONE, ExecutionStatus.IN_PROGRESS}


def test_the_council_reads_its_results_on_the_first_start(world):
    process = _finished()
    # The dashboard's budget section (its first screen links the published results too).
    page = world.client("council").get("/consejo/tablero/presupuesto").get_data(as_text=True)
    [ballot] = ballots(process)
    winners = status(ballot, utcnow()).comparison.greedy.winners
    titles = {p.id: p.title for p in ballot.projects}
    text = " ".join(re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S).split())
    assert f"Todo el municipio · {process.title}" in text
    assert "Ganadores: " + " ".join(titles[w] for w in winners) in text
    results = world.client(None).get(f"/procesos/{process.id}/presupuesto/resultados")
    text = results.get_data(as_text=True)
    assert results.status_code == 200 and not bad_numbers(text)
    # One paper of the demo's table was spoiled: the count says so in words.
    assert re.search(r"\d+ personas votaron en esta boleta; 1 boleta en papel no se contó", text)


def test_every_demo_budget_says_its_amount(world):
    query = db.select(Process).where(Process.type == ProcessType.PRESUPUESTO)
    for process in db.session.execute(query).scalars():
        total = sum(b.amount for b in ballots(process))
        assert money(total) in process.description, process.title
