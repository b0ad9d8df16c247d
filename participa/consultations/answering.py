"""Answering a consultation: eligibility, validation, one secret response per person."""

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
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
from participa.core.errors import DomainError
from participa.eligibility.participants import Channel, participant, voter_key
from participa.eligibility.standing import Wording, check_standing
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


def validate_answers(process, answers: dict[int, object], max_text: int) -> list[Question]:
    """Check every answer against its question; raise AnswerErrors listing each problem."""
    found = questions(process)
    unknown = set(answers) - {q.id for q in found}
    errors = {q.id: msg for q in found if (msg := _check(q, answers.get(q.id), max_text))}
    if unknown:
        raise DomainError(_l("The answers do not match this questionnaire; reload the page."))
    if errors:
        raise AnswerErrors(errors)
    return found


def _answer_rows(question: Question, value) -> list[Answer]:
    if value is None or value == "" or value == []:
        return []
    kind, qid = question.kind, question.id
    if kind is QuestionKind.SINGLE:
        return [Answer(question_id=qid, seq=0, option_id=value)]
    if kind is QuestionKind.MULTIPLE:
        return [Answer(question_id=qid, seq=i, option_id=o) for i, o in enumerate(sorted(value))]
    if kind is QuestionKind.RANKING:
        return [
            Answer(question_id=qid, seq=i, option_id=o, value=i + 1) for i, o in enumerate(value)
        ]
    if kind is QuestionKind.TEXT:
        return [Answer(question_id=qid, seq=0, text=value)]
    return [Answer(question_id=qid, seq=0, value=value)]


def response_row(process, found: list[Question], answers: dict[int, object], channel: Channel):
    """The secret content of one ballot and its receipt code; the caller adds and commits.

    Every channel (web, table, paper batches) writes its responses through here.
    """
    code = new_receipt_code()
    response = Response(
        id=secrets.token_hex(16),
        process_id=process.id,
        receipt_hash=receipt_hash(code),
        channel=channel,
    )
    response.answers = [row for q in found for row in _answer_rows(q, answers.get(q.id))]
    return response, code


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
    """Store who took part and, apart, what they answered; return the receipt code.

    `user` is a web account or, at a table, a looked-up `Voter`.
    """
    if problem := eligibility_problem(process, user, today):
        raise AlreadyTookPart(problem) if has_taken_part(process, user) else DomainError(problem)
    found = validate_answers(process, answers, max_text)
    db.session.add(
        Participation(
            process_id=process.id,
            **participant(user, process=process, now=now, today=today, channel=channel),
        )
    )
    response, code = response_row(process, found, answers, channel)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError as error:  # a concurrent attempt of the same person won the race
        db.session.rollback()
        raise AlreadyTookPart(ALREADY_ANSWERED) from error
    signals.ballot_cast.send(process, mechanism="consultation", channel=channel)
    return code


def receipt_process(digest: str) -> Process | None:
    """The process whose responses include the receipt hash `digest`, or None."""
    query = db.select(Process).join(Response, Response.process_id == Process.id)
    query = query.where(Response.receipt_hash == digest)
    return db.session.execute(query).scalar_one_or_none()
