"""Results by channel: web, table and paper apart and together, small channels hidden."""

import re

import pytest
import sqlalchemy as sa

from participa.aggregates.channels import hidden_channels
from participa.budgets.channels import ballot_channels
from participa.budgets.models import BallotRule
from participa.budgets.voting import cast_vote
from participa.consultations import answering
from participa.core.timeutil import utcnow
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.results.channels import consultation_channels
from tests.budgets.test_counting import count
from tests.tables.helpers import TODAY, answers, consultation_table, desk, pb_table, walk_in

W, D, P = Channel.WEB, Channel.DESK, Channel.PAPER


@pytest.mark.parametrize(
    ("ballots", "hidden"),
    [
        ({W: 100}, set()),
        ({W: 100, D: 5}, set()),
        ({W: 100, D: 4}, {D, W}),  # else 104 - 100 would give the table's 4 ballots
        ({W: 100, D: 3, P: 20}, {D, P}),  # the next smallest goes with it
        ({W: 100, D: 3, P: 2}, {D, P}),  # two small ones hide each other
        ({W: 4}, {W}),  # a lone small channel: only the total, which is public anyway
        ({W: 0, D: 0, P: 0}, set()),
        ({D: 7, P: 9}, set()),
    ],
)
def test_which_channels_are_hidden(ballots, hidden):
    assert hidden_channels(ballots) == hidden


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


def _row(page: str, label: str) -> list[str]:
    """The cells of the last table row whose heading is `label` (the channel table)."""
    found = re.findall(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    return re.findall(r"<td>(.*?)</td>", found[-1])


def test_consultation_results_split_by_channel_and_hide_a_small_channel(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    _web(make, process, colonias["Centro"], 6, choice=0)
    for year in (1970, 1971):
        desk(
            table,
            clerk,
            walk_in(colonias["Lomas"], birth=TODAY.replace(year=year)),
            answers(process, 1),
        )
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()

    [single, *_rest] = consultation_channels(process)
    assert single.total_ballots == 8 and single.hidden
    assert single.ballots == (None, None, 0)  # the table's 2 and, with them, the web's 6
    assert single.people == (6, 2, 0)
    page = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert "By channel: web, table and paper" in page
    assert _row(page, "Agua") == ["—", "—", "0", "6"]
    assert "fewer than 5 ballots" in page

    process.status = ProcessStatus.OPEN  # three more people at the table
    db.session.commit()
    for year in range(1972, 1975):
        desk(
            table,
            clerk,
            walk_in(colonias["Lomas"], birth=TODAY.replace(year=year)),
            answers(process, 1),
        )
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    page = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert _row(page, "Agua") == ["6", "0", "0", "6"]
    assert _row(page, "Luz") == ["0", "5", "0", "5"]
    assert "fewer than 5 ballots" not in page


def test_pb_results_split_by_channel_while_counting_all_together(client, make):
    colonias, process, ballot, projects, table, (clerk,) = pb_table(make, BallotRule.APPROVAL)
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
        desk(table, clerk, voter, {projects[1].id: 1, projects[0].id: 1})
    split = ballot_channels(ballot)
    rows = {label: (counts, total) for label, counts, total in split.rows}
    assert rows["Proyecto 0"] == ((5, 5, 0), 10)
    assert rows["Proyecto 1"] == ((0, 5, 0), 5)
    assert not split.hidden

    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    count(ballot)
    page = client.get(f"/procesos/{process.id}/presupuesto/resultados").get_data(as_text=True)
    assert "Votes by channel" in page
    assert _row(page, "Proyecto 1")[:4] == ["0", "5", "0", "5"]
    # The count itself takes every channel: 10 votes for project 0 in the main table.
    assert re.search(r'<th scope="row">Proyecto 0</th>\s*<td>10</td>', page)
    assert db.session.execute(sa.text("select count(*) from pb_vote")).scalar() == 10
