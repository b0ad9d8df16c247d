"""The XLSX answers and the Pabulib file are streamed responses with the right content."""

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from participa.budgets import counting
from participa.budgets.models import BallotRule
from participa.budgets.pb_io import _store_votes, export_pb_lines
from participa.budgets.voting import cast_vote
from participa.consultations.answering import submit_response
from participa.consultations.models import QuestionKind
from participa.core import xlsxfile
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tally import pb
from participa.tally.pabulib import parse_pabulib
from participa.territory.models import Colonia
from tests.budgets.test_voting import open_ballot
from tests.results.test_exports import serve
from tests.results.test_results import seed_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_answers_as_excel_equal_the_csv_and_are_streamed(app, client, make, monkeypatch):
    survey = seed_results(make)
    text = survey.q[QuestionKind.TEXT]
    submit_response(
        survey.process,
        make.user(colonia=db.session.execute(db.select(Colonia)).scalars().first()),
        {
            survey.q[QuestionKind.SINGLE].id: survey.o[(QuestionKind.SINGLE, "Luz")],
            survey.q[QuestionKind.MULTIPLE].id: [survey.o[(QuestionKind.MULTIPLE, "Basura")]],
            survey.q[QuestionKind.SCALE].id: 2,
            survey.q[QuestionKind.YES_NO].id: 0,
            text.id: "=HYPERLINK(1)",
        },
        now=datetime(2025, 6, 4, tzinfo=UTC),
        today=date(2025, 6, 4),
        max_text=2000,
    )
    survey.process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    path = f"/procesos/{survey.process.id}/respuestas"

    response = client.get(path + ".xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.is_streamed and "Content-Length" not in response.headers
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    as_csv = list(csv.reader(io.StringIO(client.get(path + ".csv").get_data(as_text=True)[1:])))
    # The CSV guards formulas with a quote; in the workbook the cell is typed as text instead.
    assert cells == [[c[1:] if c.startswith("'=") else c for c in row] for row in as_csv]
    assert len(cells) == 1 + 5
    # The text stays text, not a formula Excel would run.
    assert "=HYPERLINK(1)" in {row[-1] for row in cells}

    monkeypatch.setattr(xlsxfile, "XLSX_CHUNK", 512)
    status, chunks = serve(app, path + ".xlsx")
    assert status.startswith("200") and len(chunks) > 2
    assert b"".join(chunks)[:2] == b"PK"


def test_the_pabulib_file_is_streamed_and_holds_every_vote(app, make, client):
    process, ballot, projects = open_ballot(make, BallotRule.CUMULATIVE)
    p = [project.id for project in projects[:5]]
    voter = make.user(colonia=make.territory()["Lomas"])
    now = datetime(2026, 6, 1, tzinfo=UTC)
    cast_vote(ballot, voter, {p[0]: 4, p[2]: 6}, now=now, today=date(2026, 6, 1))
    paper = pb.Election(
        1_000_000,
        pb.BallotKind.CUMULATIVE,
        tuple(pb.Project(name, 1) for name in "abcde"),
        tuple(pb.Ballot(("a", "e"), (7, 3), voter_id=f"v{n}") for n in range(2500)),
    )
    _store_votes(paper, ballot, dict(zip("abcde", p, strict=True)), "papel", now)
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()

    lines = export_pb_lines(ballot)
    head = next(lines)  # META, PROJECTS and the VOTES heading, before any vote is read
    assert head.endswith("VOTES\nvoter_id;vote;points\n")
    assert "num_votes;2501\n" in head
    rest = list(lines)
    assert len(rest) >= 3  # the votes, a batch at a time

    path = f"/procesos/{process.id}/presupuesto/boletas/{ballot.id}.pb"
    status, chunks = serve(app, path)
    assert status.startswith("200") and len(chunks) == 1 + len(rest)
    parsed = parse_pabulib(b"".join(chunks).decode())
    election = counting.election_for(ballot)
    assert sorted((b.projects, b.points) for b in parsed.ballots) == sorted(
        (b.projects, b.points) for b in election.ballots
    )
    votes = {project.id: project.extra["votes"] for project in parsed.projects}
    scores = {project.id: project.extra["score"] for project in parsed.projects}
    assert votes[str(p[0])] == "2501" and scores[str(p[0])] == str(4 + 7 * 2500)
    assert votes[str(p[2])] == "1" and scores[str(p[1])] == "0"
