"""PB comparisons (Equal Shares reads every vote) are kept on disk for every server process,
and `flask pb-count` computes them ahead of the first reader."""

import dataclasses
import pickle

import pytest

from participa.budgets import counting
from participa.budgets.models import CountingRule
from participa.budgets.outcomes import turnout
from participa.extensions import db
from participa.territory.models import Colonia
from tests.budgets.test_counting import APPROVAL_VOTES, add_votes, seed_ballot


@pytest.fixture
def ballot(app, make, tmp_path):
    app.config["PB_COMPARISON_CACHE"] = str(tmp_path / "pb")
    colonias = make.territory()
    ballot = seed_ballot(make, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES, colonia=colonias["Centro"])
    return ballot


def test_a_comparison_is_written_once_and_read_back_by_another_process(app, ballot, tmp_path):
    first = counting.compare(ballot)
    files = list((tmp_path / "pb").glob("*.pickle"))
    assert len(files) == 1 and first.mes is not None
    app.extensions["pb_comparisons"].clear()  # as a fresh worker would start
    assert counting.compare(ballot) == first
    # What a fresh worker shows comes from the file, not from counting again:
    app.extensions["pb_comparisons"].clear()
    files[0].write_bytes(pickle.dumps(dataclasses.replace(first, voters=12345)))
    assert counting.compare(ballot).voters == 12345


def test_a_new_vote_makes_a_new_comparison(app, make, ballot, tmp_path):
    before = counting.compare(ballot)
    add_votes(ballot, [APPROVAL_VOTES[0]])
    after = counting.compare(ballot)
    assert after.voters == before.voters + 1
    assert len(list((tmp_path / "pb").glob("*.pickle"))) == 2


def test_a_damaged_file_is_counted_again(app, ballot, tmp_path):
    first = counting.compare(ballot)
    app.extensions["pb_comparisons"].clear()
    for path in (tmp_path / "pb").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert counting.compare(ballot) == first


def test_pb_count_command_fills_the_cache(app, ballot, tmp_path, runner):
    result = runner.invoke(args=["pb-count", "--process", str(ballot.process_id)])
    assert result.exit_code == 0, result.output
    assert f"ballot {ballot.id}: {len(APPROVAL_VOTES)} votes counted" in result.output
    assert len(list((tmp_path / "pb").glob("*.pickle"))) == 1
    unknown = runner.invoke(args=["pb-count", "--process", "999"])
    assert unknown.exit_code != 0 and "There is no process 999" in unknown.output


def _centro(turnout):
    return next(row for row in turnout.by_colonia if row.zone.startswith("Centro"))


def test_turnout_is_kept_once_closed_and_follows_votes_and_populations(app, make, ballot):
    process = ballot.process  # closed: nobody else takes part
    first = turnout(process)
    assert first.total == len(APPROVAL_VOTES)
    assert turnout(process) is first  # kept
    centro = db.session.execute(db.select(Colonia).filter_by(name="Centro")).scalar_one()
    centro.population *= 2
    db.session.commit()
    doubled = turnout(process)
    assert doubled is not first and _centro(doubled).population == 2 * _centro(first).population
    add_votes(ballot, [APPROVAL_VOTES[0]], colonia=centro)
    assert turnout(process).total == len(APPROVAL_VOTES) + 1
