"""What a table's ballot is: a consultation's questionnaire or one PB ballot, behind one face.

Each kind reuses its own domain's form, validation and storage (`submit_response`,
`cast_vote`, `response_row`, `vote_row`), so a table's ballots keep exactly the web's rules.
Content is a plain dict (question id -> answer, or project id -> weight), stored as JSON
while papers are typed.
"""

import json
from datetime import date, datetime

from participa.aggregates.paper import add_paper_responses, add_paper_votes
from participa.budgets import voting
from participa.budgets.ballot_rules import pesos, project_cost, rule_for
from participa.budgets.ballots import has_voted, voting_problem
from participa.budgets.models import PbParticipation
from participa.budgets.voting_forms import ballot_form
from participa.consultations import answering
from participa.consultations.forms import add_error, answer_form, answer_summary, answers_from
from participa.consultations.models import Participation
from participa.consultations.questionnaire import questions
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.eligibility.participants import Channel, participant


def dumps(content: dict) -> str:
    """Canonical JSON of a paper's content, so two typings compare as text."""
    return json.dumps({str(k): v for k, v in content.items()}, sort_keys=True)


def loads(text: str) -> dict:
    return {int(k): v for k, v in json.loads(text).items()}


class ConsultationBallot:
    kind = "consultation"

    def __init__(self, process, max_text: int):
        self.process = process
        self.max_text = max_text
        self.questions = questions(process)
        self.name = process.title

    def form(self):
        return answer_form(self.questions)

    def read(self, form) -> dict:
        return answers_from(form, self.questions)

    def validate(self, content: dict, form=None) -> None:
        """Raise DomainError when `content` breaks the questionnaire (errors on `form`)."""
        try:
            answering.validate_answers(self.process, content, self.max_text)
        except answering.AnswerErrors as error:
            for question in self.questions:
                if form is not None and question.id in error.errors:
                    add_error(form, question, error.errors[question.id])
            raise

    def problem(self, voter, today: date):
        return answering.eligibility_problem(self.process, voter, today)

    def has_voted(self, voter) -> bool:
        return answering.has_taken_part(self.process, voter)

    def record_desk(self, voter, content: dict, now: datetime, today: date) -> str:
        return answering.submit_response(
            self.process,
            voter,
            content,
            now=now,
            today=today,
            max_text=self.max_text,
            channel=Channel.DESK,
        )

    def paper_participation(self, voter, now: datetime, today: date):
        return Participation(
            process_id=self.process.id,
            **participant(voter, process=self.process, now=now, today=today, channel=Channel.PAPER),
        )

    def paper_row(self, content: dict):
        row, _code = answering.response_row(self.process, self.questions, content)
        return row

    def count_paper(self, rows) -> None:
        add_paper_responses(self.process.id, rows)

    def words(self, content: dict) -> list[str]:
        return [
            f"{question.text}: {', '.join(str(w) for w in words) or '—'}"
            for question, words in answer_summary(self.questions, content)
        ]


class PbBallotView:
    kind = "pb"

    def __init__(self, ballot):
        self.ballot = ballot
        self.process = ballot.process
        self.rule = rule_for(ballot)
        self.projects = voting.feasible_projects(ballot)
        self.name = ballot.name

    def form(self):
        return ballot_form(self.ballot, self.projects)

    def read(self, form) -> dict:
        return self.rule.read(form, self.projects)

    def validate(self, content: dict, form=None) -> None:
        try:
            self.rule.validate(self.ballot, self.projects, content)
        except DomainError as error:
            if form is not None:
                show_error(form, error)
            raise

    def problem(self, voter, today: date):
        return voting_problem(self.ballot, voter, today)

    def has_voted(self, voter) -> bool:
        return has_voted(self.ballot, voter)

    def record_desk(self, voter, content: dict, now: datetime, today: date) -> str:
        return voting.cast_vote(
            self.ballot, voter, content, now=now, today=today, channel=Channel.DESK
        )

    def paper_participation(self, voter, now: datetime, today: date):
        return PbParticipation(
            ballot_id=self.ballot.id,
            **participant(voter, process=self.process, now=now, today=today, channel=Channel.PAPER),
        )

    def paper_row(self, content: dict):
        row, _code = voting.vote_row(self.ballot, content)
        return row

    def count_paper(self, rows) -> None:
        add_paper_votes(self.ballot.id, [[item.project_id for item in row.items] for row in rows])

    def words(self, content: dict) -> list[str]:
        titles = {p.id: (p.title, project_cost(p)) for p in self.projects}
        lines = []
        for pid, weight in sorted(content.items(), key=lambda item: (item[1], item[0])):
            title, cost = titles.get(pid, (f"#{pid}", 0))
            extra = f" ×{weight}" if self.rule.control != "checkbox" else ""
            lines.append(f"{title} ({pesos(cost)}){extra}")
        return lines or ["—"]


def ballot_of(table, max_text: int):
    """The ballot a table serves."""
    if table.pb_ballot is not None:
        return PbBallotView(table.pb_ballot)
    return ConsultationBallot(table.process, max_text)
