"""Answering a consultation: eligibility, validation, one secret response per person."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam
from sqlalchemy.exc import IntegrityError

from participa.consultations.models import (
    SCALE_HIGH,
    SCALE_LOW,
    Answer,
    Participation,
    Question,
    QuestionKind,
    Response,
)
from participa.consultations.questionnaire import questions
from participa.core import signals
from participa.core.errors import DomainError, NotAllowed
from participa.core.inserts import insert_together
from participa.eligibility.participants import Channel, Voter, voter_columns, voter_key
from participa.eligibility.standing import Wording, check_standing, climb, place_columns, place_from
from participa.extensions import db
from participa.processes.models import Process
from participa.receipts.services import new_receipt_code, receipt_hash


class AlreadyTookPart(DomainError):
    pass


class AnswerErrors(DomainError):
    """Some answers break the questionnaire's rules; `errors` maps question id to message."""

    def __init__(self, errors: dict[int, object]):
        super().__init__(_l("Some answers need your attention."))
        self.errors = errors


WORDING = Wording(
    not_open=_l("This consultation is not open for answers."),
    unidentified=_l("Only residents registered with their CURP and colonia can take part."),
    out_of_scope=_l("This consultation is for residents of other zones of the municipality."),
    too_young=lambda age: _l("This consultation is for people aged %(age)s or more.", age=age),
    unconfirmed=_l("Confirm your e-mail or phone to answer this consultation."),
)
ALREADY_ANSWERED = _l("You have already answered this consultation. Thank you for taking part.")


def has_taken_part(process, person) -> bool:
    """Tell whether `person` (a User or a Voter) took part in `process` on any channel."""
    query = db.select(Participation.id).where(
        Participation.process_id == process.id,
        Participation.voter_key == voter_key(person, process),
    )
    return db.session.execute(query).first() is not None


def eligibility_problem(process, person, today: date):
    """Why `person` (a User or a looked-up Voter) cannot answer `process` now, or None."""
    problem, voter = check_standing(process, person, today, WORDING)
    if problem is None and has_taken_part(process, voter):
        return ALREADY_ANSWERED
    return problem


def _check(question: Question, value, max_text: int):
    """Return the problem with one answer, or None."""
    empty = value is None or value == "" or value == []
    if empty:
        return _l("This question needs an answer.") if question.required else None
    option_ids = {o.id for o in question.options}
    kind = question.kind
    if kind is QuestionKind.SINGLE and value not in option_ids:
        return _l("Choose one of the options.")
    if kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
        if len(set(value)) != len(value) or not set(value) <= option_ids:
            return _l("Choose among the options, each one once.")
        if question.max_choices and len(value) > question.max_choices:
            return _l("Choose at most %(n)s options.", n=question.max_choices)
    if kind is QuestionKind.SCALE and value not in range(SCALE_LOW, SCALE_HIGH + 1):
        return _l("Choose a value from 1 to 5.")
    if kind is QuestionKind.YES_NO and value not in (0, 1):
        return _l("Answer yes or no.")
    limit = min(question.max_length, max_text)
    if kind is QuestionKind.TEXT and len(value) > limit:
        return _l("The text is too long: at most %(n)s characters.", n=limit)
    return None


def check_answers(found: list[Question], answers: dict[int, object], max_text: int) -> None:
    """Check every answer against its question of `found`; raise AnswerErrors listing each."""
    unknown = set(answers) - {q.id for q in found}
    errors = {q.id: msg for q in found if (msg := _check(q, answers.get(q.id), max_text))}
    if unknown:
        raise DomainError(_l("The answers do not match this questionnaire; reload the page."))
    if errors:
        raise AnswerErrors(errors)


def validate_answers(process, answers: dict[int, object], max_text: int) -> list[Question]:
    """Check every answer against its question; raise AnswerErrors listing each problem."""
    found = questions(process)
    check_answers(found, answers, max_text)
    return found


def _answer_rows(question: Question, value) -> list[dict]:
    if value is None or value == "" or value == []:
        return []
    row = {"question_id": question.id, "seq": 0, "option_id": None, "value": None, "text": None}
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        return [{**row, "option_id": value}]
    if kind is QuestionKind.MULTIPLE:
        return [{**row, "seq": i, "option_id": o} for i, o in enumerate(sorted(value))]
    if kind is QuestionKind.RANKING:
        return [{**row, "seq": i, "option_id": o, "value": i + 1} for i, o in enumerate(value)]
    if kind is QuestionKind.TEXT:
        return [{**row, "text": value}]
    return [{**row, "value": value}]


def response_content(process, found: list[Question], answers: dict[int, object]):
    """The secret content of one ballot, as column values, and its receipt code.

    Every channel writes its responses from here: `submit` (web, desk) in bulk, the paper
    batches through `response_row`. Every column is given: a random id, no timestamp, not
    yet folded.
    """
    code = new_receipt_code()
    response = {
        "id": secrets.token_hex(16),
        "process_id": process.id,
        "receipt_hash": receipt_hash(code),
        "folded": False,
    }
    rows = [
        {"response_id": response["id"], **row}
        for q in found
        for row in _answer_rows(q, answers.get(q.id))
    ]
    return response, rows, code


def response_row(process, found: list[Question], answers: dict[int, object]):
    """The content of one ballot as a `Response` with its answers, and its receipt code; the
    caller adds and commits."""
    response, rows, code = response_content(process, found, answers)
    row = Response(**response)
    row.answers = [Answer(**answer) for answer in rows]
    return row, code


@dataclass(frozen=True)
class Booth:
    """What one response to a consultation needs, read by `open_booth` in two statements.

    `problem` says why the person may not answer (the eligibility ladder), None when they
    may. Whether they answered already is not in it: on the confirming POST the insert
    answers that, through the unique (process, voter key) constraint.
    """

    process: Process
    questions: list[Question]  # with their options; empty when there is a problem
    voter: Voter | None
    problem: object


@cache
def _booth_query():
    """The booth's one read, built once: a statement is costlier to build than to run."""
    colonia_id = bindparam("colonia_id", type_=Integer)
    return db.select(Process, *place_columns(colonia_id)).where(
        Process.id == bindparam("process_id")
    )


def open_booth(process_id: int, person, today: date) -> Booth | None:
    """Read the process with the person's standing, then the questionnaire; None: no process.

    One statement reads the process with its eligibility rule and the scope facts of the
    person's colonia; a second one the questions with their options.
    """
    keys = {"colonia_id": person.colonia_id, "process_id": process_id}
    row = db.session.execute(_booth_query(), keys).first()
    if row is None:
        return None
    process = row.Process
    problem, voter = climb(process, person, place_from(process, row), today, WORDING)
    found = questions(process) if problem is None else []
    return Booth(process, found, voter, problem)


def already_answered(booth: Booth) -> bool:
    """Tell whether the booth's voter answered its consultation (pages ask before the form)."""
    return booth.voter is not None and has_taken_part(booth.process, booth.voter)


def submit(
    booth: Booth,
    answers: dict[int, object],
    *,
    now: datetime,
    max_text: int,
    channel: Channel = Channel.WEB,
) -> str:
    """Store who took part and, apart, what they answered; return the receipt code.

    Nothing is written unless the booth lets the person answer and every answer keeps its
    question's rules. The participation and the content go in one round trip (one statement
    on PostgreSQL) and one commit; the unique (process, voter key) constraint refuses a
    second response of the same key, also between concurrent attempts, and then nothing is
    stored.
    """
    if booth.problem is not None:
        raise NotAllowed(booth.problem)
    check_answers(booth.questions, answers, max_text)
    process = booth.process
    response, rows, code = response_content(process, booth.questions, answers)
    participation = voter_columns(booth.voter, now=now, channel=channel)
    participation = {"process_id": process.id, "folded": False, **participation}
    try:
        insert_together(
            (Participation.__table__, [participation]),
            (Response.__table__, [response]),
            (Answer.__table__, rows),
        )
        db.session.commit()
    except IntegrityError as error:  # this key answered already, maybe a moment ago elsewhere
        db.session.rollback()
        raise AlreadyTookPart(ALREADY_ANSWERED) from error
    signals.ballot_cast.send(process, mechanism="consultation", channel=channel)
    return code


def submit_response(
    process,
    user,
    answers: dict[int, object],
    *,
    now: datetime,
    today: date,
    max_text: int,
    channel: Channel = Channel.WEB,
) -> str:
    """`submit` in the booth of `user` (a web account or, at a table, a looked-up `Voter`)."""
    booth = open_booth(process.id, user, today)
    return submit(booth, answers, now=now, max_text=max_text, channel=channel)


def receipt_process(digest: str) -> Process | None:
    """The process whose responses include the receipt hash `digest`, or None."""
    query = db.select(Process).join(Response, Response.process_id == Process.id)
    query = query.where(Response.receipt_hash == digest)
    return db.session.execute(query).scalar_one_or_none()
