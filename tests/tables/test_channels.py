"""Results by channel: what was chosen, electronic (web and tablet) or on paper; who took part,
per channel; a small part hidden. Ballot content carries no channel (tests/attacks)."""

import re

import pytest
import sqlalchemy as sa

from participa.aggregates.channels import split_hidden
from participa.budgets.channels import ballot_channels
from participa.budgets.models import BallotRule
from participa.budgets.voting import cast_vote
from participa.consultations import answering
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.results.channels import consultation_channels
from participa.tables import batches
from participa.tables.ballots import ballot_of
from tests.budgets.test_counting import count
from tests.tables.helpers import TODAY, answers, consultation_table, desk, pb_table, walk_in


@pytest.mark.parametrize(
    ("electronic", "paper", "hidden"),
    [
        (100, 0, False),
        (100, 5, False),
        (100, 4, True),  # else 104 - 100 would give the 4 papers
        (4, 100, True),  # and the other way round
        (0, 3, True),
        (0, 0, False),
        (7, 9, False),
    ],
)
def test_when_the_split_is_hidden(electronic, paper, hidden):
    assert split_hidden(electronic, paper) is hidden


def _web(make, process, colonia, n, choice=0):
    for _ in range(n):
        answering.submit_response(
            process,
            make.user(colonia=colonia),
            answers(process, choice),
            now=utcnow(),
            today=TODAY,
            max_text=2000,
        )


def _papers(table, typists, contents, max_text=2000):
    """Both typists type `contents` (one dict per paper) into a new batch, which commits."""
    ballot = ballot_of(table, max_text)
    batch = batches.new_batch(typists[0], table, len(contents), utcnow())
    for typist in typists:
        batches.start_entry(typist, batch, utcnow())
        for n, content in enumerate(contents, 1):
            batches.save_paper(typist, ballot, batch, n, content)
        batches.finish_entry(typist, ballot, batch, utcnow())


def _row(page: str, label: str) -> list[str]:
    """The cells of the last table row whose heading is `label` (the channel table)."""
    found = re.findall(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    return re.findall(r"<td>(.*?)</td>", found[-1])


def test_consultation_results_split_electronic_and_paper(client, make):
    colonias, process, table, team = consultation_table(make, people=2)
    _web(make, process, colonias["Centro"], 2, choice=0)
    _papers(table, team, [answers(process, 1)] * 5)
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()

    [single, *_rest] = consultation_channels(process)
    assert single.total_ballots == 7 and single.hidden  # 2 electronic: fewer than 5
    assert single.ballots == (None, None)
    page = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert "Web and tablet" in page
    assert _row(page, "Agua") == ["—", "—", "2"]
    assert "fewer than 5 ballots" in page

    process.status = ProcessStatus.OPEN
    db.session.commit()
    _web(make, process, colonias["Centro"], 4, choice=0)
    for year in (1970, 1971):
        voter = walk_in(colonias["Lomas"], birth=TODAY.replace(year=year))
        desk(table, team[0], voter, answers(process, 1))
    _papers(table, team, [answers(process, 1)] * 3)  # a small batch: not counted apart
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    [single, *_rest] = consultation_channels(process)
    assert single.total_ballots == 16 and single.ballots == (11, 5)
    assert single.people == (6, 2, 0)  # nobody was handed a paper in this test
    page = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert _row(page, "Agua") == ["6", "0", "6"]
    assert _row(page, "Luz") == ["5", "5", "10"]
    assert "fewer than 5 ballots" not in page
    assert "fewer than 5 valid papers are not counted apart" in page


def test_pb_results_split_by_channel_while_counting_all_together(client, make):
    colonias, process, ballot, projects, table, team = pb_table(make, BallotRule.APPROVAL, people=2)
    for _ in range(5):
        cast_vote(
            ballot,
            make.user(colonia=colonias["Centro"]),
            {projects[0].id: 1},
            now=utcnow(),
            today=TODAY,
        )
    for year in range(1960, 1965):
        voter = walk_in(colonias["Centro"], birth=TODAY.replace(year=year))
        desk(table, team[0], voter, {projects[1].id: 1, projects[0].id: 1})
    _papers(table, team, [{projects[1].id: 1}] * 5)
    split = ballot_channels(ballot)
    rows = {label: (counts, total) for label, counts, total in split.rows}
    assert rows["Proyecto 0"] == ((10, 0), 10)
    assert rows["Proyecto 1"] == ((5, 5), 10)
    assert split.people == (5, 5, 0) and not split.hidden

    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    count(ballot)
    page = client.get(f"/procesos/{process.id}/presupuesto/resultados").get_data(as_text=True)
    assert "Votes by channel" in page
    assert _row(page, "Proyecto 1")[:3] == ["5", "5", "10"]
    # The count itself takes every channel: 10 votes for project 0 in the main table.
    assert re.search(r'<th scope="row">Proyecto 0</th>\s*<td>10</td>', page)
    assert db.session.execute(sa.text("select count(*) from pb_vote")).scalar() == 15
