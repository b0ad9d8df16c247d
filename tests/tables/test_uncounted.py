"""The public count explains spoiled paper ballots: "11 people voted" and "10 voters" add up
in words (a spoiled or blank paper records who voted and holds no vote)."""

import re

from participa.auth.models import Role
from participa.budgets.models import BallotRule
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tables import services
from tests.budgets.test_counting import count
from tests.factories import login
from tests.tables.helpers import TODAY, desk, pb_table, walk_in
from tests.tables.test_channels import _papers

EXPLAINED = re.compile(r'<p class="uncounted">\s*(.*?)\s*</p>', re.S)


def _voted(make, spoiled: int) -> tuple:
    """Two tablet votes and four paper ballots handed out, `spoiled` of them spoiled."""
    colonias, process, ballot, projects, table, team = pb_table(make, BallotRule.APPROVAL, people=2)
    people = iter(
        walk_in(colonias["Centro"], birth=TODAY.replace(year=y)) for y in range(1960, 1980)
    )
    for _ in range(2):
        desk(table, team[0], next(people), {projects[0].id: 1})
    for _ in range(4):
        services.hand_out_paper(
            team[0], table, next(people), now=utcnow(), today=TODAY, max_text=2000
        )
    _papers(table, team, [{projects[1].id: 1}] * (4 - spoiled) + [None] * spoiled)
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    count(ballot)
    return process


def _page(client, process) -> str:
    return client.get(f"/procesos/{process.id}/presupuesto/resultados").get_data(as_text=True)


def test_a_spoiled_paper_is_explained_beside_the_voters(client, make):
    page = _page(client, _voted(make, spoiled=1))
    assert "6 people voted" in page and "Voters: 5." in page
    assert EXPLAINED.search(page).group(1) == (
        "6 people voted in this ballot; 1 paper ballot was not counted (left blank, filled in "
        "wrongly or not typed in), so 5 votes were counted."
    )


def test_several_spoiled_papers_read_in_the_plural(client, make):
    page = _page(client, _voted(make, spoiled=2))
    assert "; 2 paper ballots were not counted" in EXPLAINED.search(page).group(1)


def test_nothing_to_explain_when_every_paper_counted(client, make):
    page = _page(client, _voted(make, spoiled=0))
    assert "6 people voted" in page and "Voters: 6." in page
    assert not EXPLAINED.search(page)


def test_staff_see_the_papers_not_counted_beside_the_voters(client, make):
    process = _voted(make, spoiled=1)
    process.status = ProcessStatus.CLOSED  # the counting page of a closed budget
    db.session.commit()
    login(client, make.user(Role.STAFF).email)
    page = client.get(f"/gestion/procesos/{process.id}/presupuesto/resultados")
    assert "<dd>5 (1 paper ballot not counted: blank, spoiled or not typed in)</dd>" in (
        page.get_data(as_text=True)
    )
